"""Sets the padded scores to 0 instead of -inf: exp(0) = 1 still gives the padding weight."""

import torch

FAILS = "padded_keys_ignored"


def padded_attention(q, k, v, lengths):
    S = k.shape[-2]
    real = torch.arange(S) < lengths[:, None]
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    scores = scores.masked_fill(~real[:, None, None, :], 0.0)
    return torch.softmax(scores, dim=-1) @ v
