import torch


def padded_attention(q, k, v, lengths):
    # q: (B, H, T, d), k: (B, H, S, d), v: (B, H, S, d_v), lengths: (B,) real keys per sequence (right padding)
    S = k.shape[-2]
    real = torch.arange(S, device=k.device) < lengths[:, None]  # (B, S) True = a real key, False = padding
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5  # (B, H, T, S)
    scores = scores.masked_fill(~real[:, None, None, :], float("-inf"))  # hide the same keys from every head and query
    weights = torch.softmax(scores, dim=-1)  # (B, H, T, S); an empty sequence's rows are all -inf -> nan here
    weights = weights.masked_fill((lengths == 0)[:, None, None, None], 0.0)  # convention: empty sequence -> zeros
    return weights @ v  # (B, H, T, d_v)
