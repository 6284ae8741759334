"""Mixtral's router takes the softmax over only the top-k logits, which equals taking the full softmax,
keeping the k largest probabilities and renormalising them to sum to 1. Without the renormalisation the
top-2 weights of 8 experts sum to less than 1, and the layer output is sum_j w_j E_j(x) over the k
chosen experts only.

Jiang et al. 2024, "Mixtral of Experts", Sec. 2.1, eq. 2: G(x) = Softmax(TopK(x W_g)), y = sum_i G(x)_i E_i(x),
with TopK setting the other logits to -inf. Switch (k = 1) uses the full softmax probability as the gate.
"""

import torch
from _kit import check, check_at_most, main


def gates(logits: torch.Tensor, k: int):
    """logits (T, N) -> weights (T, k), chosen (T, k): softmax over the k largest logits."""
    top, chosen = logits.topk(k, dim=-1)
    return top.softmax(-1), chosen


def run(seed: int = 0, gates=gates) -> list:
    g = torch.Generator().manual_seed(seed)
    T, N, k, d = 64, 8, 2, 16
    logits = torch.randn(T, N, generator=g, dtype=torch.float64) * 2  # (T, N)
    w, chosen = gates(logits, k)

    # reference 1: mask all but the top-k logits with -inf, softmax over all N (the paper's TopK form)
    kth = logits.topk(k, dim=-1).values[:, -1:]  # (T, 1)
    masked = logits.masked_fill(logits < kth, float("-inf")).softmax(-1)  # (T, N), zeros off the top k
    # reference 2: full softmax, keep the k largest, renormalise
    p = logits.softmax(-1)
    p_top = p.topk(k, dim=-1).values
    renorm = p_top / p_top.sum(-1, keepdim=True)

    # the layer: y = sum_j w_j E_j(x) over the chosen experts equals the dense mixture with masked gates
    x = torch.randn(T, d, generator=g, dtype=torch.float64)
    W = torch.randn(N, d, d, generator=g, dtype=torch.float64)  # expert j is x -> x W_j
    sparse = torch.stack([sum(w[t, j] * x[t] @ W[chosen[t, j]] for j in range(k)) for t in range(T)])
    dense = torch.einsum("tn,td,nde->te", masked, x, W)
    return [
        check("equals_masked_softmax", 0.0, (masked.gather(-1, chosen) - w).abs().max(), abs_tol=1e-12),
        check("equals_renormalised_softmax", 0.0, (renorm - w).abs().max(), abs_tol=1e-12),
        check("weights_sum_to_one", 1.0, w.sum(-1).min(), rel_tol=1e-12),
        check_at_most("unnormalised_top2_sum_below_1", 1.0 - 1e-6, p_top.sum(-1).max()),
        check("sparse_layer_equals_dense_mixture", 0.0, (sparse - dense).abs().max(), abs_tol=1e-10),
    ]


if __name__ == "__main__":
    main(run)
