"""Masks only the NLL term: the smoothing term of ignored rows still enters the loss."""

import torch

FAILS = "ignored_positions_excluded"


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    logp = logits - torch.logsumexp(logits, -1, keepdim=True)
    keep = target != ignore_index
    nll = -logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    nll = torch.where(keep, nll, torch.zeros_like(nll))
    return ((1 - label_smoothing) * nll.sum() + label_smoothing * -logp.mean(-1).sum()) / keep.sum()
