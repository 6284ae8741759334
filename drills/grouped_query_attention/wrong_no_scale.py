"""Forgets to divide the scores by sqrt(d)."""

import torch

FAILS = "scaled_by_sqrt_head_dim"


def grouped_query_attention(q, k, v):
    B, H, T, d = q.shape
    group = H // k.shape[1]
    k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1)).masked_fill(future, float("-inf")), dim=-1)
    return weights @ v
