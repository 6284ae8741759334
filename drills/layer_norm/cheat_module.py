"""Builds an nn.LayerNorm and copies the weights in."""

import torch
from torch import nn

FAILS = "no_banned_calls"


def layer_norm(x, weight, bias, eps=1e-5):
    ln = nn.LayerNorm(x.shape[-1], eps=eps, dtype=x.dtype)
    with torch.no_grad():
        ln.weight.copy_(weight)
        ln.bias.copy_(bias)
        return ln(x)
