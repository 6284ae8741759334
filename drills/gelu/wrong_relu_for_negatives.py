"""Treats GELU like ReLU below zero: returns 0 for every negative input."""

import math

import torch

FAILS = "negative_inputs_slightly_negative"


def gelu(x, approximate="none"):
    if approximate == "tanh":
        y = 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    else:
        y = x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    return torch.where(x > 0, y, torch.zeros_like(y))
