import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Subtract the max along dim (softmax is shift-invariant) so exp never overflows."""
    z = x - x.amax(dim=dim, keepdim=True)  # largest entry becomes 0: exp(z) in (0, 1]
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)
