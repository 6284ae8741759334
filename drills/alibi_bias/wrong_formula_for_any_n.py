"""Applies 2^(-8h/n) to every head count, including ones that are not a power of two."""

import torch

FAILS = "slopes_not_power_of_two"


def alibi_bias(n_heads, seq_len):
    m = torch.tensor([2 ** (-8 * h / n_heads) for h in range(1, n_heads + 1)], dtype=torch.float64)
    i, j = torch.arange(seq_len)[:, None], torch.arange(seq_len)[None, :]
    return (-m[:, None, None] * (i - j)).masked_fill(j > i, float("-inf"))
