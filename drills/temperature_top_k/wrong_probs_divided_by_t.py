"""Divides the probabilities by the temperature after the softmax, which renormalising then undoes."""

import torch

FAILS = "temperature_divides_logits"


def sample_filter(logits, temperature, k):
    probs = torch.softmax(logits, dim=-1) / temperature
    k = min(k, logits.shape[-1])
    order = probs.sort(dim=-1, descending=True, stable=True).indices[..., :k]
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, True)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)
