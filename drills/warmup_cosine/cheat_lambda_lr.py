"""Drives a LambdaLR scheduler on a dummy optimizer and records its rates."""

import math

import torch

FAILS = "no_banned_calls"


def lr_schedule(step, peak_lr, warmup, total, min_lr=0.0):
    def factor(s):
        if s < warmup:
            return s / warmup
        p = min(1.0, (s - warmup) / (total - warmup))
        return (min_lr + (peak_lr - min_lr) * (1 + math.cos(math.pi * p)) / 2) / peak_lr

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=peak_lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    del sched
    return torch.tensor([peak_lr * factor(int(s)) for s in step.flatten()], dtype=torch.float64).reshape(step.shape)
