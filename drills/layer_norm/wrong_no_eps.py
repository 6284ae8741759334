"""Forgets eps: a constant vector has variance 0 and the output is 0/0 = nan."""

import torch

FAILS = "finite_on_extreme_inputs"


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var) * weight + bias
