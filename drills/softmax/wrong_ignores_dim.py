"""Always normalises over the last dimension, whatever dim says."""

import torch

FAILS = "respects_dim"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    e = torch.exp(x - x.amax(dim=-1, keepdim=True))
    return e / e.sum(dim=-1, keepdim=True)
