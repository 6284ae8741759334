"""Clips each tensor by its own norm instead of one global norm."""

import torch

FAILS = "global_norm_not_per_tensor"


def clip_grad_norm(grads, max_norm):
    out = []
    for g in grads:
        n = float(torch.sqrt((g ** 2).sum()))
        out.append(g * min(1.0, max_norm / (n + 1e-6)))
    return out
