"""Drops the 0.044715 x^3 term from the tanh approximation."""

import math

import torch

FAILS = "tanh_approximation"


def gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * x))
    return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))
