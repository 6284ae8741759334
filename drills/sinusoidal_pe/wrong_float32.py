"""Builds the table in float32 (the default dtype)."""

import torch

FAILS = "shape_and_dtype"


def sinusoidal_pe(positions, d):
    w = 10000.0 ** (-torch.arange(0, d, 2).float() / d)
    angle = positions.float()[:, None] * w
    pe = torch.empty(len(positions), d)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos()
    return pe
