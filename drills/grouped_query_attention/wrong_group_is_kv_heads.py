"""Repeats each kv head H_kv times instead of H // H_kv times (right only when H = H_kv squared)."""

import torch

FAILS = "shape_and_dtype_kept"


def grouped_query_attention(q, k, v):
    B, H, T, d = q.shape
    n_rep = k.shape[1]
    k, v = k.repeat_interleave(n_rep, dim=1), v.repeat_interleave(n_rep, dim=1)
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / d**0.5).masked_fill(future, float("-inf")), dim=-1)
    return weights @ v
