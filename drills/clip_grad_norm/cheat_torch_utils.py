"""Copies the gradients into parameters and calls torch.nn.utils.clip_grad_norm_."""

import torch

FAILS = "no_banned_calls"


def clip_grad_norm(grads, max_norm):
    params = [torch.nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params]
