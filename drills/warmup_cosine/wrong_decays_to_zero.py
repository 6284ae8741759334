"""Ignores min_lr: the cosine runs from peak_lr down to 0."""

import math

import torch

FAILS = "ends_at_min_lr"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    s = step.double()
    p = ((s - warmup) / (total - warmup)).clamp(0, 1)
    return torch.where(s < warmup, peak_lr * s / warmup, peak_lr * (1 + torch.cos(math.pi * p)) / 2)
