"""Zeroes the tokens outside the nucleus but forgets to renormalise the rest."""

import torch

FAILS = "rows_sum_to_one"


def top_p_filter(probs, p):
    sorted_p, order = probs.sort(dim=-1, descending=True)
    keep_sorted = sorted_p.cumsum(-1) - sorted_p < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return torch.where(keep, probs, torch.zeros_like(probs))
