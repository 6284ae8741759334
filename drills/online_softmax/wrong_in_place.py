"""Updates the caller's l and acc in place."""

import torch

FAILS = "inputs_not_modified"


def online_softmax_step(m, l, acc, s, v):  # noqa: E741
    m_new = torch.maximum(m, s.amax(-1))
    c = torch.exp(m - m_new)
    p = torch.exp(s - m_new[:, None])
    l.mul_(c).add_(p.sum(-1))
    acc.mul_(c[:, None]).add_(p @ v)
    return m_new, l, acc
