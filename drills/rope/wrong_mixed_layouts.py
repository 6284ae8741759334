"""Mixes the two layouts: angles repeated per interleaved pair (repeat_interleave) with the rotate_half pairing."""

import torch

FAILS = "pairs_i_with_i_plus_half"


def rope(x, positions, base=10000.0):
    d = x.shape[-1]
    inv_freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = (positions.to(torch.float64)[:, None] * inv_freq).repeat_interleave(2, dim=-1)  # (T, d): t0 t0 t1 t1 ...
    cos, sin = angle.cos().to(x.dtype)[:, None, :], angle.sin().to(x.dtype)[:, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin
