"""Subtracts the max inside the exp but forgets to subtract it from x as well."""

import torch

FAILS = "exp_rows_sum_to_one"


def log_softmax(x, dim=-1):
    m = x.amax(dim=dim, keepdim=True)
    return x - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))
