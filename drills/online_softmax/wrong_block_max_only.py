"""Uses this block's maximum as the new maximum, forgetting the running one."""

import torch

FAILS = "running_max"


def online_softmax_step(m, l, acc, s, v):  # noqa: E741
    m_new = s.amax(-1)
    c = torch.exp(m - m_new)
    p = torch.exp(s - m_new[:, None])
    return m_new, c * l + p.sum(-1), c[:, None] * acc + p @ v
