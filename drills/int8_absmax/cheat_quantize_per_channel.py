"""Calls torch.quantize_per_channel and reads the codes back."""

import torch

FAILS = "no_banned_calls"


def quantize_int8(x, dim=-1):
    amax = x.abs().amax(dim=dim, keepdim=True)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    axis = dim % x.dim()
    qt = torch.quantize_per_channel(x.float(), scale.flatten().float(), torch.zeros(scale.numel(), dtype=torch.long),
                                    axis=1 - axis if x.dim() == 2 else axis, dtype=torch.qint8)
    return qt.int_repr(), scale
