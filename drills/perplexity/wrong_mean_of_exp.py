"""Takes exp per token and then averages: the mean of exp(NLL) is not exp of the mean NLL."""

import torch

FAILS = "exp_of_mean_nll"


def perplexity(logits, tokens, mask=None):
    mask = torch.ones_like(tokens, dtype=torch.bool) if mask is None else mask
    nll = -torch.log_softmax(logits[:, :-1], -1).gather(-1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    return torch.exp(nll[mask[:, 1:]]).mean()
