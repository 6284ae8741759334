"""Treats lengths as the index of the last real token (s < length - 1 kept), hiding each sequence's last real key."""

import torch

FAILS = "real_keys_share_all_weight"


def padded_attention(q, k, v, lengths):
    S = k.shape[-2]
    real = torch.arange(S) < (lengths - 1)[:, None]
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    scores = scores.masked_fill(~real[:, None, None, :], float("-inf"))
    return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v
