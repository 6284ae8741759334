"""Masks the diagonal too (triu(0)), so a token cannot see itself and the first row is all -inf."""

import torch

FAILS = "single_token_sees_itself"


def causal_self_attention(x, w_qkv, w_o, n_heads):
    B, T, C = x.shape
    D = C // n_heads
    q, k, v = (x @ w_qkv.T).split(C, dim=-1)
    q, k, v = (t.view(B, T, n_heads, D).transpose(1, 2) for t in (q, k, v))
    hidden = torch.ones(T, T, dtype=torch.bool).triu(0)
    weights = torch.softmax((q @ k.transpose(-2, -1) / D**0.5).masked_fill(hidden, float("-inf")), dim=-1)
    return (weights @ v).transpose(1, 2).reshape(B, T, C) @ w_o.T
