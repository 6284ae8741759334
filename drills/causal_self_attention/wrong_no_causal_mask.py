"""Forgets the causal mask: every position attends to the future."""

import torch

FAILS = "future_tokens_do_not_leak"


def causal_self_attention(x, w_qkv, w_o, n_heads):
    B, T, C = x.shape
    D = C // n_heads
    q, k, v = (x @ w_qkv.T).split(C, dim=-1)
    q, k, v = (t.view(B, T, n_heads, D).transpose(1, 2) for t in (q, k, v))
    weights = torch.softmax(q @ k.transpose(-2, -1) / D**0.5, dim=-1)
    return (weights @ v).transpose(1, 2).reshape(B, T, C) @ w_o.T
