"""Has no case for an all-zero slice: its scale is 0 and its codes come from 0/0 = nan."""

import torch

FAILS = "finite_on_zero_slice"


def quantize_int8(x, dim=-1):
    scale = x.abs().amax(dim=dim, keepdim=True) / 127
    return torch.round(x / scale).clamp(-127, 127).to(torch.int8), scale
