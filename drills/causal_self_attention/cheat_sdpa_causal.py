"""Hands the heads to F.scaled_dot_product_attention with is_causal=True."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def causal_self_attention(x, w_qkv, w_o, n_heads):
    B, T, C = x.shape
    q, k, v = (x @ w_qkv.T).split(C, dim=-1)
    q, k, v = (t.view(B, T, n_heads, C // n_heads).transpose(1, 2) for t in (q, k, v))
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return y.transpose(1, 2).reshape(B, T, C) @ w_o.T
