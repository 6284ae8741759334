"""Uses torch.logsumexp, the very thing the drill asks for."""

import torch

FAILS = "no_banned_calls"


def log_softmax(x, dim=-1):
    return x - torch.logsumexp(x, dim=dim, keepdim=True)
