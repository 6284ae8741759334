"""Calls the library softmax through an alias imported from torch.nn.functional."""

import torch
from torch.nn.functional import softmax as s

FAILS = "no_banned_calls"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return s(x, dim=dim)
