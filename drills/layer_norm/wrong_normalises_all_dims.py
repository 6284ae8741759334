"""Takes one mean and variance over the whole tensor instead of one per vector."""

import torch

FAILS = "normalises_last_dim"


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean()
    var = ((x - mean) ** 2).mean()
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
