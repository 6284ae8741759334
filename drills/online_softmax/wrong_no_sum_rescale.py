"""Rescales the accumulator but adds the new exp-sum to an unrescaled running sum."""

import torch

FAILS = "running_sum_rescaled"


def online_softmax_step(m, l, acc, s, v):  # noqa: E741
    m_new = torch.maximum(m, s.amax(-1))
    c = torch.exp(m - m_new)
    p = torch.exp(s - m_new[:, None])
    return m_new, l + p.sum(-1), c[:, None] * acc + p @ v
