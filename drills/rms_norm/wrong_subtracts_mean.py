"""Centres the vector first, as LayerNorm does: RMSNorm keeps the mean."""

import torch

FAILS = "no_mean_subtraction"


def rms_norm(x, weight, eps=1e-6):
    x = x - x.mean(-1, keepdim=True)
    return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight
