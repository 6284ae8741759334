"""Masks correctly but forgets to divide the scores by sqrt(d)."""

import torch

FAILS = "scaled_by_sqrt_d"


def padded_attention(q, k, v, lengths):
    S = k.shape[-2]
    real = torch.arange(S) < lengths[:, None]
    scores = (q @ k.transpose(-2, -1)).masked_fill(~real[:, None, None, :], float("-inf"))
    weights = torch.softmax(scores, dim=-1).masked_fill((lengths == 0)[:, None, None, None], 0.0)
    return weights @ v
