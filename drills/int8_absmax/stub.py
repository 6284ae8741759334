import torch


def quantize_int8(x: torch.Tensor, dim: int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric absmax int8 quantization, one scale per slice along dim.

    scale = max|x| / 127 along dim (keepdim); q = round(x / scale) in [-127, 127] as int8.
    An all-zero slice gets scale 1.0 and codes 0. Returns (q, scale); q * scale approximates x.
    Does not modify x. Banned: torch.quantize_per_tensor / per_channel and the fake_quantize functions.
    """
    raise NotImplementedError("write quantize_int8")
