"""Averages the perplexities of the sequences instead of pooling all tokens of the batch."""

import torch

FAILS = "token_weighted_over_batch"


def perplexity(logits, tokens, mask=None):
    mask = torch.ones_like(tokens, dtype=torch.bool) if mask is None else mask
    nll = -torch.log_softmax(logits[:, :-1], -1).gather(-1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    m = mask[:, 1:].to(nll.dtype)
    per_seq = (nll * m).sum(1) / m.sum(1)
    return torch.exp(per_seq).mean()
