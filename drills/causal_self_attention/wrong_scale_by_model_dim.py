"""Scales the scores by sqrt(C), the model width, instead of sqrt(D), the head width."""

import torch

FAILS = "scaled_by_sqrt_head_dim"


def causal_self_attention(x, w_qkv, w_o, n_heads):
    B, T, C = x.shape
    D = C // n_heads
    q, k, v = (x @ w_qkv.T).split(C, dim=-1)
    q, k, v = (t.view(B, T, n_heads, D).transpose(1, 2) for t in (q, k, v))
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / C**0.5).masked_fill(future, float("-inf")), dim=-1)
    return (weights @ v).transpose(1, 2).reshape(B, T, C) @ w_o.T
