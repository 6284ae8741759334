"""Masks with masked_fill_, writing -inf into the caller's scores tensor."""

import torch

FAILS = "input_not_modified"


def causal_softmax(scores):
    T = scores.shape[-1]
    allowed = torch.ones(T, T, dtype=torch.bool).tril()
    scores.masked_fill_(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1)
