"""Adds eps to the rms instead of the mean square: x / (rms + eps)."""

import torch

FAILS = "eps_inside_sqrt"


def rms_norm(x, weight, eps=1e-6):
    return x / (torch.sqrt(x.pow(2).mean(-1, keepdim=True)) + eps) * weight
