"""Counts positions from 1 (positions + 1), so the first token is rotated too."""

import torch

FAILS = "position_zero_is_identity"


def rope(x, positions, base=10000.0):
    d = x.shape[-1]
    inv_freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = (positions.to(torch.float64) + 1)[:, None] * inv_freq
    angle = torch.cat([angle, angle], dim=-1)
    cos, sin = angle.cos().to(x.dtype)[:, None, :], angle.sin().to(x.dtype)[:, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin
