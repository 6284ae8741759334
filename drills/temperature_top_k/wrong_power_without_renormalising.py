"""Applies the temperature after the softmax as p ** (1 / T) and never renormalises the kept tokens."""

import torch

FAILS = "rows_sum_to_one"


def sample_filter(logits, temperature, k):
    probs = torch.softmax(logits, dim=-1) ** (1.0 / temperature)
    k = min(k, logits.shape[-1])
    order = probs.sort(dim=-1, descending=True, stable=True).indices[..., :k]
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, True)
    return torch.where(keep, probs, torch.zeros_like(probs))
