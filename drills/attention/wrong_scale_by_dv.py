"""Scales by sqrt of the value width d_v instead of the key width d_k."""

import torch

FAILS = "scaled_by_sqrt_dk"


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / v.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
