"""Calls the Tensor.softmax method, reached with getattr so the name is only a string."""

import torch

FAILS = "no_banned_calls"


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return getattr(x, "soft" + "max")(dim)
