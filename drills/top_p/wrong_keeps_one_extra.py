"""Keeps one token more than needed: the token after the one whose running total first reaches p."""

import torch

FAILS = "nucleus_is_smallest"


def top_p_filter(probs, p):
    sorted_p, order = probs.sort(dim=-1, descending=True)
    needed = sorted_p.cumsum(-1) - sorted_p < p
    keep_sorted = needed | torch.cat([needed[..., :1], needed[..., :-1]], dim=-1)  # also the next one
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)
