"""Averages the query heads of each group into one, as if the queries were shared like the keys and values."""

import torch

FAILS = "each_query_head_attends_separately"


def grouped_query_attention(q, k, v):
    B, H, T, d = q.shape
    H_kv = k.shape[1]
    group = H // H_kv
    q = q.reshape(B, H_kv, group, T, d).mean(dim=2)  # (B, H_kv, T, d)
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / d**0.5).masked_fill(future, float("-inf")), dim=-1)
    return (weights @ v).repeat_interleave(group, dim=1)  # back to H heads
