"""Uses k.repeat instead of repeat_interleave: the kv heads are tiled, so query head h reads kv head h % H_kv."""

import torch

FAILS = "query_head_h_reads_kv_head_h_div_group"


def grouped_query_attention(q, k, v):
    B, H, T, d = q.shape
    group = H // k.shape[1]
    k, v = k.repeat(1, group, 1, 1), v.repeat(1, group, 1, 1)
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / d**0.5).masked_fill(future, float("-inf")), dim=-1)
    return weights @ v
