"""With one shared projection (W_Q = W_K = W) the attention scores S = (XW)(XW)^T are symmetric and positive
semi-definite, so j scores i exactly as i scores j and no token can score another above both their own
self-scores; separate W_Q and W_K give the general, asymmetric bilinear form X W_Q W_K^T X^T, which can
express a previous-token head (every query's best key is the token before it).

Positive semi-definite means s_ij <= sqrt(s_ii * s_jj) <= max(s_ii, s_jj) (Cauchy-Schwarz). The product
W_Q W_K^T is a d x d matrix of rank at most d_k per head: two thin matrices (2*d*d_k numbers) instead of a
full d x d one, which is why one would not replace them by a single matrix either.
"""

import torch
from _kit import check, check_at_least, check_at_most, main


def scores(x: torch.Tensor, w_q: torch.Tensor, w_k: torch.Tensor) -> torch.Tensor:
    """(T, d), (d, d_k), (d, d_k) -> (T, T) unscaled logits q_i . k_j."""
    q, k = x @ w_q, x @ w_k  # (T, d_k) each
    return q @ k.T


def run(seed: int = 0, scores=scores) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d, d_k = 16, 16, 4
    x = torch.randn(T, d, generator=g, dtype=torch.float64)  # (T, d)
    w = torch.randn(d, d_k, generator=g, dtype=torch.float64) / d**0.5
    w_q, w_k = (torch.randn(d, d_k, generator=g, dtype=torch.float64) / d**0.5 for _ in range(2))

    shared, separate = scores(x, w, w), scores(x, w_q, w_k)  # (T, T) each
    self_scores = shared.diagonal()
    # how far any pair goes above both self-scores (<= 0 for a PSD matrix)
    above_self = (shared - torch.maximum(self_scores[:, None], self_scores[None, :])).max()

    # a previous-token head: tokens are orthonormal (one-hot) and W_Q W_K^T is the shift matrix, so
    # q_i . k_j = 1 exactly when j = i - 1
    eye = torch.eye(T, dtype=torch.float64)
    shift = torch.diag(torch.ones(T - 1, dtype=torch.float64), -1)  # shift[i, i-1] = 1
    prev = scores(eye, eye, shift.T)  # x W_Q = e_i, x W_K = row i of shift^T, so S = shift
    hits = (prev[1:].argmax(dim=-1) == torch.arange(T - 1)).double().mean()  # query i >= 1 picks key i-1

    return [
        check("shared_scores_symmetric", 0.0, (shared - shared.T).abs().max(), abs_tol=1e-12),
        check_at_least("shared_scores_min_eigenvalue", -1e-10, torch.linalg.eigvalsh(shared).min(),
                       note="positive semi-definite"),  # fmt: skip
        check_at_most("shared_pair_above_both_self_scores", 1e-12, above_self),
        check_at_least("separate_scores_asymmetry", 0.1, (separate - separate.T).abs().max()),
        check("separate_score_rank", d_k, torch.linalg.matrix_rank(separate), abs_tol=0,
              note="rank of X W_Q W_K^T X^T is at most d_k"),  # fmt: skip
        check("previous_token_head_hit_rate", 1.0, hits, abs_tol=0),
        check("previous_token_head_asymmetry", 1.0, (prev - prev.T).abs().max(), abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
