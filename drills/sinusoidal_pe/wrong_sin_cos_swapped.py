"""Writes cos into the even columns and sin into the odd ones."""

import torch

FAILS = "even_dims_are_sin"


def sinusoidal_pe(positions, d):
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = positions.double()[:, None] * w
    pe = torch.empty(len(positions), d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angle.cos(), angle.sin()
    return pe
