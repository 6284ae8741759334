"""Computes the frequencies and angles in float32 (.float()), losing ~1e-3 rad at position 32768."""

import torch

FAILS = "angles_in_float64"


def rope(x, positions, base=10000.0):
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2).float() / d))
    angle = positions.float()[:, None] * inv_freq
    angle = torch.cat([angle, angle], dim=-1)
    cos, sin = angle.cos().to(x.dtype)[:, None, :], angle.sin().to(x.dtype)[:, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin
