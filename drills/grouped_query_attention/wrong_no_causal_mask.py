"""Forgets the causal mask: every position attends to later positions."""

import torch

FAILS = "future_tokens_do_not_leak"


def grouped_query_attention(q, k, v):
    B, H, T, d = q.shape
    group = H // k.shape[1]
    k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
    return torch.softmax(q @ k.transpose(-2, -1) / d**0.5, dim=-1) @ v
