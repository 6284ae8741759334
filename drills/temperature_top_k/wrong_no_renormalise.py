"""Takes softmax(logits / T) over the whole vocabulary and zeroes the tail without renormalising."""

import torch

FAILS = "rows_sum_to_one"


def sample_filter(logits, temperature, k):
    probs = torch.softmax(logits / temperature, dim=-1)
    k = min(k, logits.shape[-1])
    order = probs.sort(dim=-1, descending=True, stable=True).indices[..., :k]
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, True)
    return torch.where(keep, probs, torch.zeros_like(probs))
