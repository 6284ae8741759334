"""Ignores the positions argument and uses 0..T-1, which breaks decoding with a KV cache (offset positions)."""

import torch

FAILS = "uses_given_positions"


def rope(x, positions, base=10000.0):
    B, T, H, d = x.shape
    inv_freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = torch.arange(T, dtype=torch.float64)[:, None] * inv_freq
    angle = torch.cat([angle, angle], dim=-1)
    cos, sin = angle.cos().to(x.dtype)[:, None, :], angle.sin().to(x.dtype)[:, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin
