import torch


def sample_filter(logits, temperature, k):
    scaled = logits / temperature  # (..., V) temperature divides the logits, before any softmax
    V = scaled.shape[-1]
    k = min(k, V)
    order = scaled.sort(dim=-1, descending=True, stable=True).indices  # (..., V) ties: lower index first
    keep_sorted = torch.arange(V) < k  # (V,) the first k in that order
    keep = torch.zeros_like(scaled, dtype=torch.bool).scatter(-1, order, keep_sorted.expand_as(order))
    masked = scaled.masked_fill(~keep, float("-inf"))  # dropped tokens get probability 0
    masked = masked - masked.amax(dim=-1, keepdim=True)  # stable: the largest kept logit becomes 0
    e = masked.exp()
    return e / e.sum(dim=-1, keepdim=True)  # renormalise over the k kept tokens
