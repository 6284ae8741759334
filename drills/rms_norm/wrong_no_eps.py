"""Forgets eps: an all-zero vector gives 0/0 = nan."""

import torch

FAILS = "finite_on_extreme_inputs"


def rms_norm(x, weight, eps=1e-6):
    return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True)) * weight
