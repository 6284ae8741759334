"""Passes the keep-mask (True = may attend) to masked_fill, which fills where the mask is True: the past is hidden."""

import torch

FAILS = "future_gets_zero_weight"


def causal_softmax(scores):
    T = scores.shape[-1]
    allowed = torch.ones(T, T, dtype=torch.bool).tril()
    return torch.softmax(scores.masked_fill(allowed, float("-inf")), dim=-1)
