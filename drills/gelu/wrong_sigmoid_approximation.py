"""Uses the sigmoid approximation x * sigmoid(1.702 x) as if it were the exact GELU."""

import torch

FAILS = "exact_uses_normal_cdf"


def gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + torch.tanh(0.7978845608028654 * (x + 0.044715 * x**3)))
    return x * torch.sigmoid(1.702 * x)
