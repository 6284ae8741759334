"""Normalises by the sum over the whole tensor instead of along dim."""

import torch

FAILS = "rows_sum_to_one"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    e = torch.exp(x - x.max())
    return e / e.sum()
