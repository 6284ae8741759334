"""Reduces over dim 0 only, so (N, C, L) input gets statistics per (channel, position) instead of per channel."""

import torch

FAILS = "normalises_per_channel"


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    shape = (1, -1) if x.dim() == 2 else (1, -1, 1)
    if training:
        n = x.shape[0]
        mean = x.mean(dim=0, keepdim=True)  # (1, C) or (1, C, L)
        var = x.var(dim=0, unbiased=False, keepdim=True)
        y = (x - mean) / torch.sqrt(var + eps)
        batch_mean = mean.reshape(x.shape[1], -1).mean(-1)
        batch_var = var.reshape(x.shape[1], -1).mean(-1) * n / (n - 1)
        new_mean = (1 - momentum) * running_mean + momentum * batch_mean
        new_var = (1 - momentum) * running_var + momentum * batch_var
    else:
        y = (x - running_mean.view(shape)) / torch.sqrt(running_var.view(shape) + eps)
        new_mean, new_var = running_mean, running_var
    return y * weight.view(shape) + bias.view(shape), new_mean, new_var
