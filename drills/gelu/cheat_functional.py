"""Calls F.gelu."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def gelu(x, approximate="none"):
    return F.gelu(x, approximate=approximate)
