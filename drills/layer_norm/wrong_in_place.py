"""Centres x in place with sub_, changing the caller's activations."""

import torch

FAILS = "input_not_modified"


def layer_norm(x, weight, bias, eps=1e-5):
    x.sub_(x.mean(dim=-1, keepdim=True))
    var = (x**2).mean(dim=-1, keepdim=True)
    return x / torch.sqrt(var + eps) * weight + bias
