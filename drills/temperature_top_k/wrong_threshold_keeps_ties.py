"""Keeps every token whose logit is at least the k-th largest, so ties at the boundary keep more than k."""

import torch

FAILS = "ties_broken_by_lower_index"


def sample_filter(logits, temperature, k):
    scaled = logits / temperature
    k = min(k, logits.shape[-1])
    kth = scaled.topk(k, dim=-1).values[..., -1:]
    return torch.softmax(scaled.masked_fill(scaled < kth, float("-inf")), dim=-1)
