import torch


def rope(x, positions, base=10000.0):
    # x: (B, T, H, d); positions: (T,). Llama / GPT-NeoX "rotate_half" layout: dim i pairs with dim i + d/2.
    d = x.shape[-1]
    inv_freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,) theta_i = base^(-2i/d)
    angle = positions.to(torch.float64)[:, None] * inv_freq  # (T, d/2), float64: positions can be large
    angle = torch.cat([angle, angle], dim=-1)  # (T, d): dims i and i + d/2 turn by the same angle
    cos = angle.cos().to(x.dtype)[:, None, :]  # (T, 1, d), broadcast over batch and heads
    sin = angle.sin().to(x.dtype)[:, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]  # (B, T, H, d/2) each
    rotated = torch.cat([-x2, x1], dim=-1)  # rotate_half: (x1, x2) -> (-x2, x1)
    return x * cos + rotated * sin  # (x1 cos - x2 sin, x2 cos + x1 sin): a rotation by +angle
