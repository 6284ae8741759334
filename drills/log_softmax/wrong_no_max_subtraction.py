"""Computes x - log(sum(exp(x))) directly: exp(1e4) overflows to inf."""

import torch

FAILS = "finite_on_extreme_inputs"


def log_softmax(x, dim=-1):
    return x - torch.log(torch.exp(x).sum(dim=dim, keepdim=True))
