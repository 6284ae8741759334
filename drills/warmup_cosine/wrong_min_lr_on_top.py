"""Adds min_lr on top of a full-size cosine, so the peak overshoots to peak_lr + min_lr."""

import math

import torch

FAILS = "peak_at_end_of_warmup"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    s = step.double()
    p = ((s - warmup) / (total - warmup)).clamp(0, 1)
    cosine = min_lr + peak_lr * (1 + torch.cos(math.pi * p)) / 2
    return torch.where(s < warmup, peak_lr * s / warmup, cosine)
