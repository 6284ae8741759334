"""Ignores the approximate flag and always returns the exact GELU."""

import math

import torch

FAILS = "tanh_approximation"


def gelu(x, approximate="none"):
    return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))
