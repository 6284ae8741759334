"""The formula softmax(QKᵀ)/sqrt(d_k)·K, as printed in one of the posts, is not attention: its weight rows
sum to 1/sqrt(d_k) instead of 1, its output is a mix of keys (it never reads V), and it differs from
softmax(QKᵀ/sqrt(d_k))·V, which is what PyTorch's scaled_dot_product_attention computes.

Two things went wrong: the 1/sqrt(d_k) must scale the logits inside the softmax (so it tempers the
softmax; outside it only shrinks the result), and the weights must average the values V. Every output
row of real attention is a convex combination of the rows of V, so it lies in the span of V's rows.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, main


def attention(q, k, v):
    """Correct: (T, d_k), (T, d_k), (T, d_v) -> (T, d_v)."""
    weights = (q @ k.T / q.shape[-1] ** 0.5).softmax(dim=-1)  # (T, T), rows sum to 1
    return weights @ v


def posts_weights(q, k):
    """The posts' version of the weights: softmax of the unscaled logits, then divided by sqrt(d_k)."""
    return (q @ k.T).softmax(dim=-1) / q.shape[-1] ** 0.5  # (T, T)


def posts_formula(q, k, v):
    """softmax(QKᵀ)/sqrt(d_k)·K: v is accepted and ignored, exactly as the formula does."""
    return posts_weights(q, k) @ k  # (T, d_k)


def outside_span(x: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Relative norm of the part of x's rows that is not in the span of `rows` (0 = entirely inside)."""
    basis, _ = torch.linalg.qr(rows.T)  # (d, T) orthonormal basis of the row space
    residual = x - x @ basis @ basis.T
    return residual.norm() / x.norm()


def run(seed: int = 0, attention=attention) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d = 8, 32  # T < d: the rows of K and of V span two different 8-dim subspaces of R^32
    q, k, v = (torch.randn(T, d, generator=g, dtype=torch.float64) for _ in range(3))
    reference = F.scaled_dot_product_attention(q[None], k[None], v[None])[0]  # (T, d)

    out = attention(q, k, v)
    # With V = all ones, each output entry is the sum of that row's weights.
    row_sums = attention(q, k, torch.ones(T, d, dtype=torch.float64))[:, 0]
    posts_rows = posts_weights(q, k).sum(-1)
    posts_out = posts_formula(q, k, v)

    exact = 1e-12  # float64 rounding
    return [
        # The implementation under test.
        check("max_abs_diff_vs_sdpa", 0.0, (out - reference).abs().max(), abs_tol=exact),
        check("weight_row_sum", 1.0, row_sums[(row_sums - 1).abs().argmax()], abs_tol=exact),
        check("output_outside_span_of_v", 0.0, outside_span(out, v), abs_tol=1e-10),
        # What the posts' formula does instead.
        check("posts_weight_row_sum", 1 / d**0.5, posts_rows[(posts_rows - 1 / d**0.5).abs().argmax()],
              abs_tol=exact),
        check("posts_output_outside_span_of_k", 0.0, outside_span(posts_out, k), abs_tol=1e-10),
        # A vector in a random 8-dim subspace keeps ~sqrt(1 - 8/32) ~ 0.87 of its norm outside another.
        check_at_least("posts_output_outside_span_of_v", 0.5, outside_span(posts_out, v)),
        check_at_least("posts_max_abs_diff_vs_sdpa", 0.1, (posts_out - reference).abs().max()),
    ]


if __name__ == "__main__":
    main(run)
