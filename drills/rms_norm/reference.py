import torch


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    ms = x.pow(2).mean(dim=-1, keepdim=True)  # (..., 1) mean of squares, one per vector
    return x / torch.sqrt(ms + eps) * weight  # eps inside the sqrt; no centring, no bias
