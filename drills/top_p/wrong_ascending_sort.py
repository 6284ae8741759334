"""Sorts in ascending order, so the nucleus is built from the least probable tokens."""

import torch

FAILS = "keeps_most_probable_tokens"


def top_p_filter(probs, p):
    sorted_p, order = probs.sort(dim=-1)
    keep_sorted = sorted_p.cumsum(-1) - sorted_p < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)
