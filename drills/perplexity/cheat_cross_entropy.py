"""Uses F.cross_entropy with a flattened batch."""

import torch
import torch.nn.functional as F

FAILS = "no_banned_calls"


def perplexity(logits, tokens, mask=None):
    targets = tokens[:, 1:].clone()
    if mask is not None:
        targets[~mask[:, 1:]] = -100
    return torch.exp(F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets.reshape(-1)))
