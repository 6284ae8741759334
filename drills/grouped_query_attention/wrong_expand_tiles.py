"""Expands the kv heads with the new axis in front of H_kv, which reshapes to tiled order (h % H_kv), not grouped."""

import torch

FAILS = "query_head_h_reads_kv_head_h_div_group"


def grouped_query_attention(q, k, v):
    B, H, T, d = q.shape
    H_kv = k.shape[1]
    group = H // H_kv
    k = k[:, None].expand(B, group, H_kv, T, d).reshape(B, H, T, d)
    v = v[:, None].expand(B, group, H_kv, T, v.shape[-1]).reshape(B, H, T, v.shape[-1])
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / d**0.5).masked_fill(future, float("-inf")), dim=-1)
    return weights @ v
