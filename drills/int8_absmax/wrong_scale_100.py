"""Divides max|x| by 100 (a round number) instead of 127: codes 101..127 are never used."""

import torch

FAILS = "uses_full_range"


def quantize_int8(x, dim=-1):
    amax = x.abs().amax(dim=dim, keepdim=True)
    scale = torch.where(amax > 0, amax / 100, torch.ones_like(amax))
    return torch.round(x / scale).clamp(-127, 127).to(torch.int8), scale
