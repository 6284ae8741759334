"""Attention written out by hand, softmax(QKᵀ/sqrt(d_k) + mask)·V, gives the same numbers as PyTorch's
F.scaled_dot_product_attention, with no mask, with a causal mask, with a padding mask and for
cross-attention.

The fused kernel is the same formula: scale the dot products by 1/sqrt(d_k), set forbidden positions
to -inf before the softmax, and average the values with the resulting weights. In float64 the two
agree to rounding error (~1e-15).
"""

import torch
import torch.nn.functional as F
from _kit import check, main


def attention(q, k, v, mask=None):
    """(B, H, T, d_k), (B, H, S, d_k), (B, H, S, d_v) -> (B, H, T, d_v).

    mask: bool, broadcastable to (B, H, T, S); True means the query may attend to that key.
    """
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5  # (B, H, T, S)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = scores.softmax(dim=-1)  # each row sums to 1
    return weights @ v  # (B, H, T, d_v)


def run(seed: int = 0, attention=attention) -> list:
    g = torch.Generator().manual_seed(seed)
    B, H, T, S, d_k, d_v = 2, 4, 10, 7, 16, 12

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64)

    q, k, v = randn(B, H, T, d_k), randn(B, H, T, d_k), randn(B, H, T, d_v)
    causal = torch.ones(T, T, dtype=torch.bool).tril()  # (T, T): key j <= query i
    lengths = torch.tensor([T, 6])  # second sequence has 4 padding tokens at the end
    keep = torch.arange(T) < lengths[:, None]  # (B, T): True for real tokens
    padding = keep[:, None, None, :]  # (B, 1, 1, T): every query sees only real keys
    k_x, v_x = randn(B, H, S, d_k), randn(B, H, S, d_v)  # cross-attention: S encoder positions

    tol = 1e-12  # float64; both sides do the same arithmetic up to summation order
    cases = {
        "no_mask": (attention(q, k, v), F.scaled_dot_product_attention(q, k, v)),
        "causal": (attention(q, k, v, causal), F.scaled_dot_product_attention(q, k, v, is_causal=True)),
        "padding": (attention(q, k, v, padding), F.scaled_dot_product_attention(q, k, v, attn_mask=padding)),
        "cross_attention": (attention(q, k_x, v_x), F.scaled_dot_product_attention(q, k_x, v_x)),
    }
    return [
        check(f"max_abs_diff_{name}", 0.0, (mine - ref).abs().max(), abs_tol=tol)
        for name, (mine, ref) in cases.items()
    ]


if __name__ == "__main__":
    main(run)
