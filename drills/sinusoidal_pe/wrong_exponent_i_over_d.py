"""Uses 10000^(-i/d) with the pair index i instead of 10000^(-2i/d), so the frequencies fall only half as far."""

import torch

FAILS = "frequencies"


def sinusoidal_pe(positions, d):
    w = 10000.0 ** (-torch.arange(d // 2, dtype=torch.float64) / d)
    angle = positions.double()[:, None] * w
    pe = torch.empty(len(positions), d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos()
    return pe
