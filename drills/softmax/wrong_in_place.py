"""Subtracts the max in place, overwriting the caller's logits."""

import torch

FAILS = "input_not_modified"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    x.sub_(x.amax(dim=dim, keepdim=True))
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
