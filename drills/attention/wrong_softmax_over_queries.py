"""Normalises over the queries (dim=-2) instead of over the keys."""

import torch

FAILS = "weights_sum_to_one_over_keys"


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-2) @ v
