"""Warms up with (s + 1) / warmup, so step 0 already has a non-zero rate."""

import math

import torch

FAILS = "warmup_is_linear_from_zero"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    s = step.double()
    p = ((s - warmup) / (total - warmup)).clamp(0, 1)
    cosine = min_lr + (peak_lr - min_lr) * (1 + torch.cos(math.pi * p)) / 2
    return torch.where(s < warmup, peak_lr * (s + 1) / warmup, cosine)
