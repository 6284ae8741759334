import torch


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dimension.

    x: (..., D); weight, bias: (D,). For each vector along the last dim: subtract its mean, divide by
    sqrt(variance + eps) with the biased variance (divide by D), then scale by weight and add bias.
    Returns (..., D) in x's dtype; does not modify x. Banned: F.layer_norm, torch.layer_norm, nn.LayerNorm.
    """
    raise NotImplementedError("write layer_norm")
