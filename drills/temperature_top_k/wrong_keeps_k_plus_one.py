"""Keeps one token too many: slices the sorted indices with [:k + 1]."""

import torch

FAILS = "keeps_exactly_k"


def sample_filter(logits, temperature, k):
    scaled = logits / temperature
    order = scaled.sort(dim=-1, descending=True, stable=True).indices[..., : k + 1]
    keep = torch.zeros_like(scaled, dtype=torch.bool).scatter(-1, order, True)
    return torch.softmax(scaled.masked_fill(~keep, float("-inf")), dim=-1)
