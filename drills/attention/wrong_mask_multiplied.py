"""Multiplies the scores by the mask, so hidden keys get score 0 (weight exp(0)), not -inf."""

import torch

FAILS = "masked_keys_ignored"


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores * mask
    return torch.softmax(scores, dim=-1) @ v
