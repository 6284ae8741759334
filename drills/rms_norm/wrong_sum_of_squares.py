"""Divides by the L2 norm (sum of squares) instead of the root mean square: off by sqrt(D)."""

import torch

FAILS = "mean_of_squares_not_sum"


def rms_norm(x, weight, eps=1e-6):
    return x / torch.sqrt(x.pow(2).sum(-1, keepdim=True) + eps) * weight
