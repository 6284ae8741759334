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


if __name__ == "__main__":
    main(run)
