"""Masks the padded QUERY rows instead of the padded key columns: real tokens still attend to the padding."""

import torch

FAILS = "padded_keys_ignored"


def padded_attention(q, k, v, lengths):
    T = q.shape[-2]
    real = torch.arange(T) < lengths[:, None]  # (B, T)
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    scores = scores.masked_fill(~real[:, None, :, None], float("-inf"))
    return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v
