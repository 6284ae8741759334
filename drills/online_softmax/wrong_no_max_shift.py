"""Skips the maximum altogether: sums plain exp(s), which overflows for large scores."""

import torch

FAILS = "stable_with_large_scores"


def online_softmax_step(m, l, acc, s, v):  # noqa: E741
    p = torch.exp(s)
    return torch.maximum(m, s.amax(-1)), l + p.sum(-1), acc + p @ v
