"""Subtracts the max from x in place."""

import torch

FAILS = "input_not_modified"


def log_softmax(x, dim=-1):
    x -= x.amax(dim=dim, keepdim=True)
    return x - torch.log(torch.exp(x).sum(dim=dim, keepdim=True))
