import torch


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    m = x.amax(dim=dim, keepdim=True)  # (..., 1, ...) the largest logit
    z = x - m  # <= 0: exp(z) cannot overflow, and the max term is exp(0) = 1 so the sum is >= 1
    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))  # log-sum-exp
