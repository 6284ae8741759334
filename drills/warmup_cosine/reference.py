import math

import torch


def lr_schedule(step: torch.Tensor, peak_lr: float, warmup: int, total: int, min_lr: float = 0.0) -> torch.Tensor:
    s = step.to(torch.float64)
    ramp = peak_lr * s / warmup  # 0 at step 0, peak_lr at step = warmup
    p = ((s - warmup) / (total - warmup)).clamp(0.0, 1.0)  # cosine progress, held at 1 after total
    cosine = min_lr + (peak_lr - min_lr) * (1 + torch.cos(math.pi * p)) / 2
    return torch.where(s < warmup, ramp, cosine)
