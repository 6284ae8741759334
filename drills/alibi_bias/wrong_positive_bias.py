"""Adds +m (i - j): far-away keys get a bonus instead of a penalty."""

import torch

FAILS = "penalises_distance"


def alibi_bias(n_heads, seq_len):
    m = torch.tensor([2 ** (-8 * h / n_heads) for h in range(1, n_heads + 1)], dtype=torch.float64)
    i, j = torch.arange(seq_len)[:, None], torch.arange(seq_len)[None, :]
    return (m[:, None, None] * (i - j)).masked_fill(j > i, float("-inf"))
