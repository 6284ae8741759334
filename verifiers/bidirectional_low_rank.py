"""In bidirectional attention the logits QKᵀ/sqrt(d_k) have rank at most d_k, but their softmax is full rank
T at float64 precision: the elementwise exp creates new directions. What holds is weaker: its spectrum
decays faster than a softmax of unstructured logits, and it nears rank d_k + 1 when the logits are tiny.

exp(S) = Σ_n S^∘n / n! (elementwise powers). If S has rank d_k, the Hadamard power S^∘n has rank at most
C(d_k + n - 1, n), so already the terms up to n = 3 can span all T = 64 dimensions when d_k = 8. For very
small logits, softmax(εS) ≈ (11ᵀ + ε(S - row means))/T: the all-ones direction plus at most d_k more.
The posts' "low-rank bottleneck" argument for decoder-only models should be read with this in mind.
"""

import torch
from _kit import check, check_at_least, main


def scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """(T, d_k), (T, d_k) -> (T, T) scaled logits, no mask: every token sees every token."""
    return q @ k.T / q.shape[-1] ** 0.5


def top_energy(A: torch.Tensor, r: int) -> torch.Tensor:
    """Fraction of the squared Frobenius norm in the top r singular values."""
    s = torch.linalg.svdvals(A)
    return (s[:r] ** 2).sum() / (s**2).sum()


def above(A: torch.Tensor, rel: float) -> int:
    """How many singular values exceed rel * the largest."""
    s = torch.linalg.svdvals(A)
    return int((s > rel * s[0]).sum())


def run(seed: int = 0, scores=scores) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d_k = 64, 8
    q = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    k = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    S = scores(q, k)  # (T, T), rank <= d_k
    A = S.softmax(dim=-1)  # (T, T) bidirectional attention weights
    # Unstructured reference with the same logit variance (1): a generic row-stochastic matrix.
    A_ref = torch.randn(T, T, generator=g, dtype=torch.float64).softmax(dim=-1)
    # Tiny logits: singular values come in groups of size ~1, ~eps, ~eps^2, ...; count those above eps^1.5.
    eps = 1e-3
    s_small = torch.linalg.svdvals((eps * S).softmax(dim=-1))

    return [
        check("rank_of_logits", d_k, torch.linalg.matrix_rank(S), abs_tol=0),
        # Default tolerance: sigma_max * T * float64 eps ~ 1e-14 relative.
        check("rank_of_softmax_float64", T, torch.linalg.matrix_rank(A), abs_tol=0,
              note="the exp raises the rank from d_k to full"),
        check("rank_of_softmax_tiny_logits", d_k + 1, (s_small > eps**1.5 * s_small[0]).sum(), abs_tol=0,
              note="first-order Taylor: all-ones direction + d_k"),
        # Bound = the same statistic for the unstructured reference (~0.64); bidirectional gives ~0.86.
        check_at_least("top_dk_energy_fraction", top_energy(A_ref, d_k), top_energy(A, d_k),
                       note=f"singular values above 1% of the largest: {above(A, 0.01)} of {T} "
                       f"(reference: {above(A_ref, 0.01)})"),
    ]


def figures(seed: int = 0, scores=scores) -> list:
    """The 64x64 bidirectional attention matrix, and its singular values beside an unstructured reference."""
    from _kit import heatmap_figure, line_figure, series

    g = torch.Generator().manual_seed(seed)
    T, d_k = 64, 8
    q = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    k = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    A = scores(q, k).softmax(dim=-1)  # (T, T), the same draw as run()
    A_ref = torch.randn(T, T, generator=g, dtype=torch.float64).softmax(dim=-1)
    s, s_ref = torch.linalg.svdvals(A), torch.linalg.svdvals(A_ref)
    idx = list(range(1, T + 1))
    return [
        heatmap_figure("weights", "Bidirectional attention weights, T = 64, d_k = 8", A,
                       title_zh="双向注意力权重，T = 64，d_k = 8",
                       note="every query sees every key: no masked cell",
                       note_zh="每个查询都能看到所有键：没有被遮挡的格子"),
        line_figure("singular_values", "Singular values: softmax of rank-8 logits vs unstructured softmax",
                    "index", ("singular value", "", True, "奇异值"),
                    [series("softmax(QKᵀ/sqrt(d_k))", idx, s), series("softmax(random)", idx, s_ref, "softmax(随机)")],
                    title_zh="奇异值：秩 8 的 logits 的 softmax 与无结构 softmax",
                    note=f"top {d_k} hold {(s[:d_k] ** 2).sum() / (s**2).sum():.0%} of the energy "
                    f"(reference {(s_ref[:d_k] ** 2).sum() / (s_ref**2).sum():.0%}); all {T} stay above 0",
                    note_zh=f"前 {d_k} 个占能量的 {(s[:d_k] ** 2).sum() / (s**2).sum():.0%}"
                    f"（参照 {(s_ref[:d_k] ** 2).sum() / (s_ref**2).sum():.0%}）；{T} 个都大于 0"),
    ]


if __name__ == "__main__":
    main(run)
