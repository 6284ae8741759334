"""Keeps tokens only while the running total including them stays below p, dropping the token that crosses p."""

import torch

FAILS = "nucleus_reaches_p"


def top_p_filter(probs, p):
    sorted_p, order = probs.sort(dim=-1, descending=True)
    keep_sorted = sorted_p.cumsum(-1) < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)
