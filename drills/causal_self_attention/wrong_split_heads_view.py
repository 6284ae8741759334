"""Splits heads with view(B, H, T, D) straight from (B, T, C), mixing positions into heads."""

import torch

FAILS = "heads_split_and_merged"


def causal_self_attention(x, w_qkv, w_o, n_heads):
    B, T, C = x.shape
    D = C // n_heads
    q, k, v = (x @ w_qkv.T).split(C, dim=-1)
    q, k, v = (t.reshape(B, n_heads, T, D) for t in (q, k, v))
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / D**0.5).masked_fill(future, float("-inf")), dim=-1)
    return (weights @ v).reshape(B, T, C) @ w_o.T
