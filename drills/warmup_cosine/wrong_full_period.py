"""Uses a full cosine period, cos(2·pi·p), so the rate dips to min_lr halfway and returns to peak_lr."""

import math

import torch

FAILS = "cosine_is_half_period"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    s = step.double()
    p = ((s - warmup) / (total - warmup)).clamp(0, 1)
    cosine = min_lr + (peak_lr - min_lr) * (1 + torch.cos(2 * math.pi * p)) / 2
    return torch.where(s < warmup, peak_lr * s / warmup, cosine)
