"""Measures the cosine's progress as s / total, ignoring that it should start when warm-up ends."""

import math

import torch

FAILS = "cosine_starts_after_warmup"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    s = step.double()
    p = (s / total).clamp(0, 1)
    cosine = min_lr + (peak_lr - min_lr) * (1 + torch.cos(math.pi * p)) / 2
    return torch.where(s < warmup, peak_lr * s / warmup, cosine)
