"""Always reduces over the last dimension, whatever dim says."""

import torch

FAILS = "respects_dim"


def log_softmax(x, dim=-1):
    z = x - x.amax(dim=-1, keepdim=True)
    return z - torch.log(torch.exp(z).sum(dim=-1, keepdim=True))
