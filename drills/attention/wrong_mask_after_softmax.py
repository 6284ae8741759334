"""Zeroes the hidden weights after the softmax without renormalising, so rows no longer sum to one."""

import torch

FAILS = "weights_sum_to_one_over_keys"


def attention(q, k, v, mask=None):
    weights = torch.softmax(q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5, dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights @ v
