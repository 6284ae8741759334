"""Ignores the mask and counts predictions of padding tokens."""

import torch

FAILS = "padding_ignored"


def perplexity(logits, tokens, mask=None):
    nll = -torch.log_softmax(logits[:, :-1], -1).gather(-1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    return torch.exp(nll.mean())
