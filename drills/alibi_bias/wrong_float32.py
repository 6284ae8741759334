"""Builds the bias in float32."""

import torch

FAILS = "shape_and_dtype"


def alibi_bias(n_heads, seq_len):
    m = torch.tensor([2 ** (-8 * h / n_heads) for h in range(1, n_heads + 1)])
    i, j = torch.arange(seq_len)[:, None], torch.arange(seq_len)[None, :]
    return (-m[:, None, None] * (i - j)).masked_fill(j > i, float("-inf"))
