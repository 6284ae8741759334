"""Zeroes the dropped tokens in the caller's tensor with masked_fill_."""

import torch

FAILS = "input_not_modified"


def top_p_filter(probs, p):
    sorted_p, order = probs.sort(dim=-1, descending=True)
    keep_sorted = sorted_p.cumsum(-1) - sorted_p < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    probs.masked_fill_(~keep, 0.0)
    return probs / probs.sum(-1, keepdim=True)
