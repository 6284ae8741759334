import math  # noqa: F401  (you will want math.pi)

import torch


def lr_schedule(step: torch.Tensor, peak_lr: float, warmup: int, total: int, min_lr: float = 0.0) -> torch.Tensor:
    """Learning rate of a linear warm-up + cosine decay schedule at each step (counting from 0).

    s < warmup: peak_lr * s / warmup. warmup <= s <= total: with p = (s - warmup) / (total - warmup),
    min_lr + (peak_lr - min_lr) * (1 + cos(pi * p)) / 2. s > total: min_lr.
    step: int64 tensor of any shape; returns float64 with the same shape.
    Banned: the torch.optim.lr_scheduler classes.
    """
    raise NotImplementedError("write lr_schedule")
