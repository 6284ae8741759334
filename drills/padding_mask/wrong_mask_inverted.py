"""Fills -inf where the key is REAL (masked_fill with the keep-mask), so only the padding is attended to."""

import torch

FAILS = "padded_keys_ignored"


def padded_attention(q, k, v, lengths):
    S = k.shape[-2]
    real = torch.arange(S) < lengths[:, None]
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    scores = scores.masked_fill(real[:, None, None, :], float("-inf"))
    return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v
