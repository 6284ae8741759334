import torch


def causal_softmax(scores):
    # scores: (..., T, T), row i = query i, column j = key j
    T = scores.shape[-1]
    allowed = torch.ones(T, T, dtype=torch.bool, device=scores.device).tril()  # (T, T) True = may attend: j <= i
    scores = scores.masked_fill(~allowed, float("-inf"))  # a new tensor; the future gets exp(-inf) = 0
    return torch.softmax(scores, dim=-1)  # (..., T, T), each row sums to 1 over keys 0..i
