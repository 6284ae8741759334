"""Scales x in place, changing the caller's tensor."""

import torch

FAILS = "input_not_modified"


def rms_norm(x, weight, eps=1e-6):
    x.mul_(torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))
    return x * weight
