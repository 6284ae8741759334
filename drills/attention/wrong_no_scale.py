"""Forgets to divide the scores by sqrt(d_k)."""

import torch

FAILS = "scaled_by_sqrt_dk"


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
