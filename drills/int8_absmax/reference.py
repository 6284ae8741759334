import torch


def quantize_int8(x: torch.Tensor, dim: int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    amax = x.abs().amax(dim=dim, keepdim=True)  # size 1 along dim: one scale per slice
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))  # an all-zero slice: scale 1
    q = torch.round(x / scale).clamp(-127, 127).to(torch.int8)  # nearest code, symmetric range
    return q, scale
