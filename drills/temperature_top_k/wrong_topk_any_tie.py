"""Scatters torch.topk's indices, which break ties in no promised order (not by the lower index)."""

import torch

FAILS = "ties_broken_by_lower_index"


def sample_filter(logits, temperature, k):
    scaled = logits / temperature
    k = min(k, logits.shape[-1])
    idx = scaled.topk(k, dim=-1).indices
    keep = torch.zeros_like(scaled, dtype=torch.bool).scatter(-1, idx, True)
    return torch.softmax(scaled.masked_fill(~keep, float("-inf")), dim=-1)
