"""FlashAttention's online softmax is exact: processing the keys block by block while keeping a running row
maximum m, a running denominator l (row_sum) and an unnormalised output, rescaled by exp(m_old - m_new) whenever the
maximum grows, gives the same softmax and the same attention output as the full T x T computation, to
float64 rounding, for any block size, without ever holding the T x T score matrix.

Only a (B_r, B_c) tile of scores exists at a time; the per-row statistics (m, l) cost O(T) extra memory.
Scores are shifted far from zero so a softmax without the max subtraction would overflow.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_true, main


def tiled_attention(q, k, v, block_q: int, block_k: int, causal: bool = False):
    """q and k (T, d), v (T_k, d_v) -> (T_q, d_v), one (block_q, block_k) tile of scores at a time."""
    T_q, d = q.shape
    T_k = k.shape[0]
    out = torch.empty(T_q, v.shape[1], dtype=q.dtype)
    for i in range(0, T_q, block_q):
        qi = q[i:i + block_q]  # (Br, d)
        m = torch.full((qi.shape[0], 1), float("-inf"), dtype=q.dtype)  # running row max
        row_sum = torch.zeros(qi.shape[0], 1, dtype=q.dtype)  # running sum of exp(s - m)
        acc = torch.zeros(qi.shape[0], v.shape[1], dtype=q.dtype)  # running sum of exp(s - m) v, unnormalised
        for j in range(0, T_k, block_k):
            s = qi @ k[j:j + block_k].T / d**0.5  # (Br, Bc): the only scores in memory
            if causal:
                rows = torch.arange(i, i + qi.shape[0]).unsqueeze(1)
                cols = torch.arange(j, j + s.shape[1]).unsqueeze(0)
                s = s.masked_fill(cols > rows, float("-inf"))
            m_new = torch.maximum(m, s.max(dim=1, keepdim=True).values)
            p = torch.exp(s - m_new)  # (Br, Bc)
            alpha = torch.exp(m - m_new)  # rescales what was accumulated under the old max
            row_sum = alpha * row_sum + p.sum(dim=1, keepdim=True)
            acc = alpha * acc + p @ v[j:j + block_k]
            m = m_new
        out[i:i + block_q] = acc / row_sum  # normalise once at the end
    return out


def run(seed: int = 0, attention=tiled_attention) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d = 37, 16  # T not a multiple of the block sizes: ragged last tiles
    q = torch.randn(T, d, generator=g, dtype=torch.float64)
    k = torch.randn(T, d, generator=g, dtype=torch.float64)
    v = torch.randn(T, d, generator=g, dtype=torch.float64)
    ref = F.scaled_dot_product_attention(q[None], k[None], v[None])[0]  # (T, d), the full T x T reference
    ref_causal = F.scaled_dot_product_attention(q[None], k[None], v[None], is_causal=True)[0]

    checks = []
    for bq, bk in ((8, 8), (5, 16), (37, 1)):
        diff = (attention(q, k, v, bq, bk) - ref).abs().max()
        checks.append(check(f"max_abs_diff_blocks_{bq}x{bk}", 0.0, diff, abs_tol=1e-12))
    diff = (attention(q, k, v, 8, 8, causal=True) - ref_causal).abs().max()
    checks.append(check("max_abs_diff_causal_8x8", 0.0, diff, abs_tol=1e-12))

    # The softmax itself: with v = identity the output rows are the attention probabilities. Scores of
    # +-1000 make exp overflow without the running max; the online version must stay finite and exact.
    big = torch.randn(T, d, generator=g, dtype=torch.float64) * 1000
    eye = torch.eye(T, dtype=torch.float64)
    probs = attention(big, k, eye, 8, 8)
    expected = torch.softmax(big @ k.T / d**0.5, dim=-1)
    checks.append(check_true("finite_with_huge_scores", torch.isfinite(probs).all()))
    checks.append(check("softmax_rows_vs_torch_softmax", 0.0, (probs - expected).abs().max(), abs_tol=1e-12))
    return checks


if __name__ == "__main__":
    main(run)
