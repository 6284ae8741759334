import torch


def top_p_filter(probs, p):
    sorted_p, order = probs.sort(dim=-1, descending=True)  # (..., V) most probable first
    mass_before = sorted_p.cumsum(-1) - sorted_p  # probability of the strictly more probable tokens
    keep_sorted = mass_before < p  # a token is needed while the ones before it hold less than p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)  # back to vocabulary order
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)
