"""Returns the filtered probabilities in sorted order instead of scattering them back to token ids."""

import torch

FAILS = "vocabulary_order_kept"


def top_p_filter(probs, p):
    sorted_p, _ = probs.sort(dim=-1, descending=True)
    kept = torch.where(sorted_p.cumsum(-1) - sorted_p < p, sorted_p, torch.zeros_like(sorted_p))
    return kept / kept.sum(-1, keepdim=True)
