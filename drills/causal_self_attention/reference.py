import torch


def causal_self_attention(x, w_qkv, w_o, n_heads):
    B, T, C = x.shape
    D = C // n_heads
    q, k, v = (x @ w_qkv.T).split(C, dim=-1)  # 3 x (B, T, C)
    # (B, T, C) -> (B, T, H, D) -> (B, H, T, D): head h gets channels h*D .. (h+1)*D - 1
    q, k, v = (t.view(B, T, n_heads, D).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / D**0.5  # (B, H, T, T)
    future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)  # key j > query i
    weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
    y = (weights @ v).transpose(1, 2).reshape(B, T, C)  # heads side by side again
    return y @ w_o.T
