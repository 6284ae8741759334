"""Puts all sines in the first half and all cosines in the second (the tensor2tensor layout), not interleaved."""

import torch

FAILS = "interleaved_layout"


def sinusoidal_pe(positions, d):
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = positions.double()[:, None] * w
    return torch.cat([angle.sin(), angle.cos()], dim=-1)
