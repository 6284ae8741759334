"""Exponentiates the raw logits: exp(1e4) overflows to inf and the result is nan."""

import torch

FAILS = "finite_on_extreme_inputs"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
