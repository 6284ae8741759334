"""Spreads eps over the C - 1 wrong classes only (1 - eps on the target), not over all C as PyTorch does."""

import torch

FAILS = "label_smoothing"


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    logp = logits - torch.logsumexp(logits, -1, keepdim=True)
    C = logits.shape[-1]
    keep = target != ignore_index
    safe = target.clamp(min=0)
    nll = -logp.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    others = (-logp.sum(-1) - nll) / (C - 1)
    loss = (1 - label_smoothing) * nll + label_smoothing * others
    return torch.where(keep, loss, torch.zeros_like(loss)).sum() / keep.sum()
