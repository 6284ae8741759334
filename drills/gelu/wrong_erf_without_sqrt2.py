"""Writes Phi(x) as (1 + erf(x)) / 2, forgetting to divide x by sqrt(2)."""

import math

import torch

FAILS = "exact_uses_normal_cdf"


def gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return x * 0.5 * (1 + torch.erf(x))
