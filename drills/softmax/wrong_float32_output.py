"""Casts to float32, so a float64 input comes back with the wrong dtype and less precision."""

import torch

FAILS = "shape_and_dtype_kept"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    x = x.float()
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)
