import torch


def grouped_query_attention(q, k, v):
    # q: (B, H, T, d); k: (B, H_kv, T, d); v: (B, H_kv, T, d_v); H_kv divides H
    B, H, T, d = q.shape
    group = H // k.shape[1]  # query heads per kv head
    k = k.repeat_interleave(group, dim=1)  # (B, H, T, d): query head h reads kv head h // group
    v = v.repeat_interleave(group, dim=1)  # (B, H, T, d_v)
    scores = q @ k.transpose(-2, -1) / d**0.5  # (B, H, T, T)
    future = torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1)  # key j > query i
    weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
    return weights @ v  # (B, H, T, d_v): one output per query head, never averaged
