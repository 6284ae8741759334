"""Multiplies by w_qkv and w_o without transposing (x @ W instead of x @ W.T, the nn.Linear layout)."""

import torch

FAILS = "matches_reference"


def causal_self_attention(x, w_qkv, w_o, n_heads):
    B, T, C = x.shape
    D = C // n_heads
    q, k, v = (x @ w_qkv[:C].T, x @ w_qkv[C:2 * C], x @ w_qkv[2 * C:])
    q, k, v = (t.view(B, T, n_heads, D).transpose(1, 2) for t in (q, k, v))
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / D**0.5).masked_fill(future, float("-inf")), dim=-1)
    return (weights @ v).transpose(1, 2).reshape(B, T, C) @ w_o
