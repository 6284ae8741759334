"""Writes tanh by hand as (e^z - e^-z) / (e^z + e^-z), which is inf/inf = nan for large inputs."""

import math

import torch

FAILS = "finite_on_extreme_inputs"


def gelu(x, approximate="none"):
    if approximate == "tanh":
        z = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        t = (torch.exp(z) - torch.exp(-z)) / (torch.exp(z) + torch.exp(-z))
        return 0.5 * x * (1 + t)
    return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))
