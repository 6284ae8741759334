"""A causal attention matrix is lower-triangular with a strictly positive diagonal, so its determinant is
the product of the diagonal and it has full rank T, even when QKᵀ itself has rank only d_k < T. Full rank does
not mean a large determinant: with equal logits it is 1/T!.

softmax gives every allowed entry a weight > 0, and the diagonal (a token attending to itself) is always
allowed. That is the whole argument the posts make for "decoder-only attention is full rank". It is a fact
about one matrix; whether it makes the model more expressive is a separate, empirical question. (A small
determinant alone is not ill-conditioning: the equal-logits matrix has condition number only ~89 at T = 32.)
"""

import math

import torch
from _kit import check, check_true, main


def causal_weights(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """(T, d_k), (T, d_k) -> (T, T) causal attention weights; row i is a distribution over keys 0..i."""
    T = q.shape[0]
    scores = q @ k.T / q.shape[-1] ** 0.5
    future = torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)
    return scores.masked_fill(future, float("-inf")).softmax(dim=-1)


def run(seed: int = 0, attention_weights=causal_weights) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d_k = 32, 8
    q = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    k = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    A = attention_weights(q, k)  # (T, T)
    diag = A.diagonal()
    sign, logdet = torch.linalg.slogdet(A)
    # Equal logits (q = 0): row i is uniform over i+1 keys, so the diagonal is 1, 1/2, ..., 1/T.
    _, logdet_uniform = torch.linalg.slogdet(attention_weights(torch.zeros(T, d_k, dtype=torch.float64), k))

    return [
        check("rank_of_qk_logits", d_k, torch.linalg.matrix_rank(q @ k.T), abs_tol=0),
        check("max_weight_above_diagonal", 0.0, A.triu(diagonal=1).max(), abs_tol=0.0),
        check_true("diagonal_all_positive", (diag > 0).all(), note=f"smallest entry {diag.min():.3g}"),
        check_true("determinant_positive", sign > 0),
        # Triangular: det = product of the diagonal. In log space; float64 error ~1e-15 per term.
        check("log_det_vs_sum_log_diagonal", diag.log().sum(), logdet, rel_tol=1e-9),
        check("rank_of_causal_weights", T, torch.linalg.matrix_rank(A), abs_tol=0),
        check("log_det_equal_logits", -math.lgamma(T + 1), logdet_uniform, rel_tol=1e-9,
              note="det = 1/T!, about 3.8e-36 at T = 32"),
    ]


def figures(seed: int = 0, attention_weights=causal_weights) -> list:
    """Singular values of the causal attention matrix and of the bidirectional one from the same q, k."""
    from _kit import line_figure, series

    g = torch.Generator().manual_seed(seed)
    T, d_k = 32, 8
    q = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    k = torch.randn(T, d_k, generator=g, dtype=torch.float64)
    s_causal = torch.linalg.svdvals(attention_weights(q, k))  # (T,) descending
    s_bi = torch.linalg.svdvals((q @ k.T / d_k**0.5).softmax(-1))
    idx = list(range(1, T + 1))
    return [
        line_figure("singular_values", "Singular values: causal vs bidirectional attention (T = 32, d_k = 8)",
                    "index", ("singular value", "", True),
                    [series("causal", idx, s_causal, "因果"), series("bidirectional", idx, s_bi, "双向")],
                    title_zh="奇异值：因果注意力与双向注意力（T = 32，d_k = 8）",
                    note=f"smallest/largest: causal {(s_causal[-1] / s_causal[0]).item():.1e}, "
                    f"bidirectional {(s_bi[-1] / s_bi[0]).item():.1e}",
                    note_zh=f"最小/最大：因果 {(s_causal[-1] / s_causal[0]).item():.1e}，"
                    f"双向 {(s_bi[-1] / s_bi[0]).item():.1e}"),
    ]


if __name__ == "__main__":
    main(run)
