"""Does not clamp the progress, so after total the cosine climbs back towards peak_lr."""

import math

import torch

FAILS = "flat_after_total"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    s = step.double()
    p = (s - warmup) / (total - warmup)
    cosine = min_lr + (peak_lr - min_lr) * (1 + torch.cos(math.pi * p)) / 2
    return torch.where(s < warmup, peak_lr * s / warmup, cosine)
