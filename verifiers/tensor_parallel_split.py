"""Megatron-style tensor parallelism is exact: splitting an MLP's first weight by columns and its second by
rows across n GPUs, applying the nonlinearity locally and summing the partial outputs (one all-reduce) gives
the unsplit output; splitting attention by heads works the same way. Splitting the first weight by rows
instead would need an all-reduce before the nonlinearity, because GeLU(a + b) != GeLU(a) + GeLU(b).

Everything runs in float64, so "exact" means agreement to ~1e-12; the wrong split differs by O(1).
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, main

ALL_REDUCES = {"n": 0}


def all_reduce(partials: list[torch.Tensor]) -> torch.Tensor:
    """Every GPU ends up with the sum of the partial results (counted, to show how often it is needed)."""
    ALL_REDUCES["n"] += 1
    return torch.stack(partials).sum(0)


def tp_mlp(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, n: int) -> torch.Tensor:
    """Column-parallel W1 (d, 4d) then row-parallel W2 (4d, d); the sum is the all-reduce."""
    partial = []
    for a, b in zip(w1.chunk(n, dim=1), w2.chunk(n, dim=0), strict=True):  # (d, 4d/n), (4d/n, d)
        partial.append(F.gelu(x @ a) @ b)  # (T, d) on each GPU, no communication inside
    return all_reduce(partial)


def row_split_first(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, n: int) -> torch.Tensor:
    """The wrong split: W1 by rows (each GPU sees a slice of the input features), GeLU before any sum."""
    xs, w1s = x.chunk(n, dim=1), w1.chunk(n, dim=0)
    return torch.stack([F.gelu(xi @ wi) @ w2 for xi, wi in zip(xs, w1s, strict=True)]).sum(0)


def tp_attention(x, w_qkv, w_o, n_heads: int, n: int) -> torch.Tensor:
    """Each GPU owns n_heads/n heads: its slice of W_q, W_k, W_v (columns) and of W_o (rows)."""
    T, d = x.shape
    d_h = d // n_heads
    w_q, w_k, w_v = w_qkv.chunk(3, dim=1)  # (d, d) each
    partial = []
    for q_s, k_s, v_s, o_s in zip(*(w.chunk(n, 1) for w in (w_q, w_k, w_v)), w_o.chunk(n, 0), strict=True):
        h = q_s.shape[1] // d_h  # heads on this GPU
        q, k, v = [(x @ w).view(T, h, d_h).transpose(0, 1) for w in (q_s, k_s, v_s)]  # (h, T, d_h)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (h, T, d_h)
        partial.append(y.transpose(0, 1).reshape(T, h * d_h) @ o_s)  # partial (T, d) on this GPU
    return all_reduce(partial)


def run(seed: int = 0, mlp=tp_mlp) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d, H = 10, 32, 8

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64) / shape[0] ** 0.5

    x, w1, w2 = randn(T, d) * d**0.5, randn(d, 4 * d), randn(4 * d, d)
    full = F.gelu(x @ w1) @ w2  # (T, d) on one GPU
    w_qkv, w_o = randn(d, 3 * d), randn(d, d)
    q, k, v = [(x @ w).view(T, H, d // H).transpose(0, 1) for w in w_qkv.chunk(3, dim=1)]
    attn_full = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(0, 1).reshape(T, d) @ w_o
    checks = []
    for n in (2, 4, 8):
        checks.append(check(f"mlp_tp{n}_max_abs_diff", 0.0, (mlp(x, w1, w2, n) - full).abs().max(), abs_tol=1e-12))
    checks.append(check("attention_tp4_max_abs_diff", 0.0, (tp_attention(x, w_qkv, w_o, H, 4) - attn_full).abs().max(),
                        abs_tol=1e-12))
    # one pre-LN-free transformer layer, x + attn(x) then + mlp(.), split over 4 GPUs: how many all-reduces?
    ALL_REDUCES["n"] = 0
    h = x + tp_attention(x, w_qkv, w_o, H, 4)
    layer = h + mlp(h, w1, w2, 4)
    h_ref = x + attn_full
    checks.append(check("layer_tp4_max_abs_diff", 0.0, (layer - (h_ref + F.gelu(h_ref @ w1) @ w2)).abs().max(),
                        abs_tol=1e-12))
    checks.append(check("allreduces_per_layer_forward", 2, ALL_REDUCES["n"], abs_tol=0))
    # control: the row split of W1 with GeLU before the reduction is far off
    checks.append(check_at_least("row_split_first_max_abs_diff", 0.05, (row_split_first(x, w1, w2, 4) - full).abs().max()))
    return checks


if __name__ == "__main__":
    main(run)
