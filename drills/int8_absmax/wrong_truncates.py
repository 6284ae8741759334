"""Casts x / scale to int8 directly, which truncates towards zero instead of rounding."""

import torch

FAILS = "rounds_to_nearest"


def quantize_int8(x, dim=-1):
    amax = x.abs().amax(dim=dim, keepdim=True)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    return (x / scale).clamp(-127, 127).to(torch.int8), scale
