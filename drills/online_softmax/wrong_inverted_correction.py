"""Multiplies the old state by exp(m_new - m) instead of exp(m - m_new)."""

import torch

FAILS = "accumulator_rescaled"


def online_softmax_step(m, l, acc, s, v):  # noqa: E741
    m_new = torch.maximum(m, s.amax(-1))
    c = torch.exp(m_new - m)
    c = torch.where(torch.isinf(m), torch.zeros_like(c), c)
    p = torch.exp(s - m_new[:, None])
    return m_new, c * l + p.sum(-1), c[:, None] * acc + p @ v
