"""Builds the keep-mask with triu instead of tril: each query sees itself and the FUTURE keys."""

import torch

FAILS = "future_gets_zero_weight"


def causal_softmax(scores):
    T = scores.shape[-1]
    allowed = torch.ones(T, T, dtype=torch.bool).triu()
    return torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
