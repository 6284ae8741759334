"""Zeroes the padded weights after the softmax: the padding stays in the denominator, so it still moves the output."""

import torch

FAILS = "padded_keys_ignored"


def padded_attention(q, k, v, lengths):
    S = k.shape[-2]
    real = torch.arange(S) < lengths[:, None]
    weights = torch.softmax(q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5, dim=-1)
    return (weights * real[:, None, None, :]) @ v
