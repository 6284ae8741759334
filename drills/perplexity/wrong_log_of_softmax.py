"""Computes log(softmax) with a plain exp, which overflows to nan for large logits."""

import torch

FAILS = "finite_on_extreme_logits"


def perplexity(logits, tokens, mask=None):
    mask = torch.ones_like(tokens, dtype=torch.bool) if mask is None else mask
    e = torch.exp(logits[:, :-1])
    logp = torch.log(e / e.sum(-1, keepdim=True))
    nll = -logp.gather(-1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    return torch.exp(nll[mask[:, 1:]].mean())
