"""Splitting d into h heads by a reshape computes exactly what a loop over h separate heads of width d/h
computes, matches nn.MultiheadAttention, and costs the same FLOPs as a single head of width d.

Head i uses columns i·d/h ... (i+1)·d/h of W_q, W_k and W_v. Reshaping (B, T, d) -> (B, h, T, d/h) picks
the same columns for all heads at once. The matmul cost is 8·B·T·d² for the four projections plus
4·B·T²·d for QKᵀ and AV: each of h heads does 1/h of the work, so h does not appear.
"""

import torch
from _kit import check, main
from torch import nn

from quiz.params import attention_score_entries, head_dim


def multihead_attention(x, w_qkv, w_o, n_heads):
    """x (B, T, d); w_qkv (3d, d) = [W_q; W_k; W_v]; w_o (d, d). Heads by reshape."""
    B, T, d = x.shape
    q, k, v = (x @ w_qkv.T).split(d, dim=-1)  # 3 x (B, T, d)
    # (B, T, d) -> (B, T, h, d/h) -> (B, h, T, d/h): head i gets columns i*d/h .. (i+1)*d/h
    q, k, v = (t.view(B, T, n_heads, d // n_heads).transpose(1, 2) for t in (q, k, v))
    weights = (q @ k.transpose(-2, -1) / (d // n_heads) ** 0.5).softmax(-1)  # (B, h, T, T)
    y = (weights @ v).transpose(1, 2).reshape(B, T, d)  # heads side by side again
    return y @ w_o.T


def loop_over_heads(x, w_qkv, w_o, n_heads):
    """The same layer as h independent single-head attentions whose outputs are concatenated."""
    d = x.shape[-1]
    w_q, w_k, w_v = w_qkv.split(d, dim=0)  # each (d, d)
    d_h = d // n_heads
    outs = []
    for i in range(n_heads):
        rows = slice(i * d_h, (i + 1) * d_h)
        q, k, v = x @ w_q[rows].T, x @ w_k[rows].T, x @ w_v[rows].T  # (B, T, d/h)
        outs.append((q @ k.transpose(-2, -1) / d_h**0.5).softmax(-1) @ v)
    return torch.cat(outs, dim=-1) @ w_o.T  # (B, T, d)


def count_flops(fn, *args) -> int:
    """FLOPs of the aten ops that actually run, counted by torch.utils.flop_counter (mm, bmm, addmm, linear,
    einsum all lower to counted ops; 2 FLOPs per multiply-add). On CPU it counts fused
    scaled_dot_product_attention as 0, so an implementation built on SDPA fails the count checks here."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        fn(*args)
    return counter.get_total_flops()


def run(seed: int = 0, attention=multihead_attention) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, d, h = 2, 12, 32, 4
    x = torch.randn(B, T, d, generator=g, dtype=torch.float64)
    w_qkv = torch.randn(3 * d, d, generator=g, dtype=torch.float64) / d**0.5
    w_o = torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5

    out = attention(x, w_qkv, w_o, h)
    looped = loop_over_heads(x, w_qkv, w_o, h)
    # Reference implementation: PyTorch's own layer with the same weights.
    mha = nn.MultiheadAttention(d, h, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(w_qkv)
        mha.out_proj.weight.copy_(w_o)
    ref, weights = mha(x, x, x, need_weights=True, average_attn_weights=False)  # weights (B, h, T, T)

    expected_flops = 8 * B * T * d * d + 4 * B * T * T * d  # projections + (QKᵀ and AV)
    exact = 1e-12  # float64, same arithmetic in a different order
    return [
        check("max_abs_diff_vs_loop", 0.0, (out - looped).abs().max(), abs_tol=exact),
        check("max_abs_diff_vs_nn_mha", 0.0, (out - ref).abs().max(), abs_tol=exact),
        check("matmul_flops_h1", expected_flops, count_flops(attention, x, w_qkv, w_o, 1)),
        check(f"matmul_flops_h{h}", expected_flops, count_flops(attention, x, w_qkv, w_o, h)),
        check(f"matmul_flops_loop_h{h}", expected_flops, count_flops(loop_over_heads, x, w_qkv, w_o, h)),
        # the formulas cards grade with, against what torch's own layer builds
        check("head_dim_vs_nn_mha", mha.head_dim, head_dim(d, h), abs_tol=0),
        check("attention_weight_entries_vs_nn_mha", weights.numel(), attention_score_entries(T, h, B), abs_tol=0,
              note="B·h·T² weights, one T×T matrix per head per sequence"),
        check("attention_weight_entries_one_sequence", weights[0].numel(), attention_score_entries(T, h), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
