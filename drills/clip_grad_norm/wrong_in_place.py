"""Scales the caller's gradient tensors in place, as clip_grad_norm_ does."""

import torch

FAILS = "inputs_not_modified"


def clip_grad_norm(grads, max_norm):
    total = float(torch.sqrt(sum((g ** 2).sum() for g in grads)))
    factor = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g.mul_(factor)
    return grads
