"""Computes in float32 (step.float()) and returns float32."""

import math

import torch

FAILS = "shape_and_dtype_kept"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    s = step.float()
    p = ((s - warmup) / (total - warmup)).clamp(0, 1)
    cosine = min_lr + (peak_lr - min_lr) * (1 + torch.cos(math.pi * p)) / 2
    return torch.where(s < warmup, peak_lr * s / warmup, cosine)
