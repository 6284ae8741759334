"""Multiplies by 10000^(2i/d) instead of dividing: the high dimensions spin fastest instead of slowest."""

import torch

FAILS = "frequencies"


def sinusoidal_pe(positions, d):
    w = 10000.0 ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = positions.double()[:, None] * w
    pe = torch.empty(len(positions), d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos()
    return pe
