"""Rescales the running sum but not the output accumulator when the maximum grows."""

import torch

FAILS = "accumulator_rescaled"


def online_softmax_step(m, l, acc, s, v):  # noqa: E741
    m_new = torch.maximum(m, s.amax(-1))
    p = torch.exp(s - m_new[:, None])
    return m_new, torch.exp(m - m_new) * l + p.sum(-1), acc + p @ v
