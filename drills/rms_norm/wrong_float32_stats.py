"""Computes in float32 and returns float32 even for float64 input."""

import torch

FAILS = "shape_and_dtype_kept"


def rms_norm(x, weight, eps=1e-6):
    x32 = x.float()
    return x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps) * weight.float()
