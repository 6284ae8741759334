"""Counts heads from 0, so the first slope is 2^0 = 1 and every slope is too large by 2^(8/n)."""

import torch

FAILS = "slopes_power_of_two"


def alibi_bias(n_heads, seq_len):
    m = torch.tensor([2 ** (-8 * h / n_heads) for h in range(n_heads)], dtype=torch.float64)
    i, j = torch.arange(seq_len)[:, None], torch.arange(seq_len)[None, :]
    return (-m[:, None, None] * (i - j)).masked_fill(j > i, float("-inf"))
