"""Hides the diagonal too (triu(0) as the mask), so no token sees itself and row 0 is all -inf: nan."""

import torch

FAILS = "sees_itself"


def causal_softmax(scores):
    T = scores.shape[-1]
    hidden = torch.ones(T, T, dtype=torch.bool).triu(0)
    return torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-1)
