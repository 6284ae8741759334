"""Fills the positions where the mask is True, i.e. reads True as 'hide this key'."""

import torch

FAILS = "masked_keys_ignored"


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    return torch.nan_to_num(torch.softmax(scores, dim=-1)) @ v
