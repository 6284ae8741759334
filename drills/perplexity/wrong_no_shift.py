"""Scores tokens[:, t] with logits[:, t] (no shift), as if the model saw the token it predicts."""

import torch

FAILS = "predicts_next_token"


def perplexity(logits, tokens, mask=None):
    mask = torch.ones_like(tokens, dtype=torch.bool) if mask is None else mask
    nll = -torch.log_softmax(logits, -1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
    return torch.exp(nll[mask].mean())
