"""Indexes logp[:, target] (every row at every target) instead of logp[i, target[i]]."""

import torch

FAILS = "picks_target_class"


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    logp = logits - torch.logsumexp(logits, -1, keepdim=True)
    keep = target != ignore_index
    nll = -logp[:, target.clamp(min=0)].mean(-1)
    loss = (1 - label_smoothing) * nll + label_smoothing * -logp.mean(-1)
    return torch.where(keep, loss, torch.zeros_like(loss)).sum() / keep.sum()
