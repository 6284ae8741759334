import torch


def causal_self_attention(x: torch.Tensor, w_qkv: torch.Tensor, w_o: torch.Tensor, n_heads: int) -> torch.Tensor:
    """Multi-head causal self-attention (no biases, no dropout).

    x: (B, T, C). w_qkv: (3C, C), nn.Linear layout: q, k, v = (x @ w_qkv.T).split(C, dim=-1).
    w_o: (C, C): the output is merged_heads @ w_o.T. Head h uses channels h*D .. (h+1)*D - 1 of q, k
    and v, with D = C // n_heads: split (B, T, C) -> (B, n_heads, T, D), attend with scores scaled by
    1/sqrt(D) and a causal mask (position t sees positions <= t), merge back to (B, T, C).
    Returns (B, T, C) in x's dtype; inputs are not modified.
    Banned: F.scaled_dot_product_attention, nn.MultiheadAttention, F.multi_head_attention_forward.
    """
    raise NotImplementedError("write causal_self_attention")
