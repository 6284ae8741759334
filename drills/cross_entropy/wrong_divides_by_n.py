"""Masks the ignored rows out of the sum but still divides by N, the number of all rows."""

import torch

FAILS = "ignored_positions_excluded"


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    logp = logits - torch.logsumexp(logits, -1, keepdim=True)
    keep = target != ignore_index
    nll = -logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    loss = (1 - label_smoothing) * nll + label_smoothing * -logp.mean(-1)
    return (loss * keep).sum() / target.shape[0]
