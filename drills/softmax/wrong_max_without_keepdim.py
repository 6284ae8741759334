"""Takes the max without keepdim and over the last dim only, so it broadcasts against the wrong axis."""

import torch

FAILS = "matches_reference"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    m = x.amax(dim=-1)  # (..., ) broadcasts along the last axis, not along dim
    e = torch.exp(x - m)
    return e / e.sum(dim=dim, keepdim=True)
