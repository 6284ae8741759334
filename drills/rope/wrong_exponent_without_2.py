"""Uses theta_i = base^(-i/d) for i = 0..d/2-1, dropping the 2 of base^(-2i/d): the frequencies fall too slowly."""

import torch

FAILS = "frequencies_base_pow_minus_2i_over_d"


def rope(x, positions, base=10000.0):
    d = x.shape[-1]
    inv_freq = base ** (-torch.arange(d // 2, dtype=torch.float64) / d)
    angle = positions.to(torch.float64)[:, None] * inv_freq
    angle = torch.cat([angle, angle], dim=-1)
    cos, sin = angle.cos().to(x.dtype)[:, None, :], angle.sin().to(x.dtype)[:, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin
