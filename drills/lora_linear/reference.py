import torch


def lora_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, A: torch.Tensor, B: torch.Tensor,
                alpha: float, merged: bool = False) -> torch.Tensor:
    scale = alpha / A.shape[0]  # alpha / r
    if merged:
        w = weight + scale * (B @ A)  # (d_out, d_in): a new tensor, the frozen weight is untouched
        return x @ w.T + bias
    base = x @ weight.T + bias  # (..., d_out) the frozen layer
    return base + scale * ((x @ A.T) @ B.T)  # (..., r) -> (..., d_out) the low-rank side path
