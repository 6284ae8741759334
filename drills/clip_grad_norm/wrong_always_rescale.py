"""Always rescales to max_norm, so small gradients are scaled up."""

import torch

FAILS = "leaves_small_gradients_alone"


def clip_grad_norm(grads, max_norm):
    total = float(torch.sqrt(sum((g ** 2).sum() for g in grads)))
    return [g * (max_norm / (total + 1e-6)) for g in grads]
