"""Divides the caller's logits by the temperature in place (logits /= temperature)."""

import torch

FAILS = "input_not_modified"


def sample_filter(logits, temperature, k):
    logits /= temperature
    k = min(k, logits.shape[-1])
    order = logits.sort(dim=-1, descending=True, stable=True).indices[..., :k]
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, order, True)
    return torch.softmax(logits.masked_fill(~keep, float("-inf")), dim=-1)
