"""Masks with mask[:, :-1] (is the input real?) instead of mask[:, 1:] (is the target real?)."""

import torch

FAILS = "padding_ignored"


def perplexity(logits, tokens, mask=None):
    mask = torch.ones_like(tokens, dtype=torch.bool) if mask is None else mask
    nll = -torch.log_softmax(logits[:, :-1], -1).gather(-1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    return torch.exp(nll[mask[:, :-1]].mean())
