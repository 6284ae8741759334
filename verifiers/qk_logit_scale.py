"""1/sqrt(d) keeps attention logits O(1) only while q and k are uncorrelated: once they align (as trained
queries and keys do) q.k grows like d, so the 1/sqrt(d) logits grow like sqrt(d) (2x from d = 64 to 256),
while muP's 1/d keeps them constant; QK-norm (RMS-normalising q and k, eps inside the square root) bounds
every scaled logit by sqrt(d), reached when a key equals its query, and makes the logits independent of how
large W_Q and W_K grow (scaling W_Q by 10 scales plain logits by 10; scaling W_Q and W_K by 10 moves
QK-normed ones by less than 1e-4).

For independent entries of variance 1, Var(q.k) = d, so q.k/sqrt(d) has std 1 at every width and q.k/d has
std 1/sqrt(d). For aligned vectors (k = q + small noise) q.k ~ |q|^2 ~ d. With q and k normalised to RMS 1,
|q| = |k| = sqrt(d) and |q.k| <= d (Cauchy-Schwarz, equal for k = q), so |q.k|/sqrt(d) <= sqrt(d). The norm is
x / sqrt(mean(x^2) + eps), checked against torch's rms_norm where eps matters (entries of size sqrt(eps)).
Yang et al. 2021 (Tensor Programs V), the muP attention scale 1/d; Dehghani et al. 2023, QK normalization.
"""

import torch
import torch.nn.functional as F
from _kit import check, main

N = 2048  # (q, k) pairs per width
EPS = 1e-6  # RMSNorm's eps, as in QK-norm layers (OLMo 2, Gemma)


def rms_normalize(x: torch.Tensor) -> torch.Tensor:
    """(..., d) -> (..., d) with RMS 1 over the last dim (RMSNorm without gain; eps inside the square root)."""
    return x / (x.pow(2).mean(-1, keepdim=True) + EPS).sqrt()


def mup_scale(d: int) -> float:
    return 1.0 / d


def run(seed: int = 0, qk_norm=rms_normalize, mup_scale=mup_scale) -> list:
    g = torch.Generator().manual_seed(seed)
    out = {}
    for d in (64, 256):
        q = torch.randn(N, d, generator=g, dtype=torch.float64)  # (N, d)
        k_indep = torch.randn(N, d, generator=g, dtype=torch.float64)
        k_aligned = q + 0.3 * torch.randn(N, d, generator=g, dtype=torch.float64)  # a key its query has found
        dots_indep, dots_aligned = (q * k_indep).sum(-1), (q * k_aligned).sum(-1)  # (N,)
        out[d] = dict(
            std_sqrt=(dots_indep / d**0.5).std(),
            std_mup=(dots_indep * mup_scale(d)).std(),
            aligned_sqrt=(dots_aligned / d**0.5).mean(),
            aligned_mup=(dots_aligned * mup_scale(d)).mean(),
        )

    # QK-norm against growing projection weights
    d, T = 64, 32
    x = torch.randn(T, d, generator=g, dtype=torch.float64)
    w_q, w_k = (torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5 for _ in range(2))  # q, k entries ~ 1

    def logits(wq, wk, normed):
        q, k = x @ wq, x @ wk  # (T, d)
        if normed:
            q, k = qk_norm(q), qk_norm(k)
        return q @ k.T / d**0.5  # (T, T)

    plain_growth = (logits(10 * w_q, w_k, False) / logits(w_q, w_k, False)).mean()
    normed_change = (logits(10 * w_q, 10 * w_k, True) - logits(w_q, w_k, True)).abs().max()
    # every query against every query and key, itself included: the largest logit is the bound sqrt(d)
    both = torch.cat([qk_norm(x @ (100 * w_q)), qk_norm(x @ (100 * w_k))])  # (2T, d)
    normed_max = (both @ both.T / d**0.5).abs().max()
    # where eps matters: entries of size sqrt(eps) (W_Q at 1e-3), as well as at 1 and 100
    worst_vs_torch = max((qk_norm(q) - F.rms_norm(q, (d,), eps=EPS)).abs().max()
                         for q in (x @ (1e-3 * w_q), x @ w_q, x @ (100 * w_q)))  # fmt: skip

    return [
        check("indep_std_sqrt_scale_stays_1", 0.0, max(abs(out[d_]["std_sqrt"] - 1.0) for d_ in (64, 256)),
              abs_tol=0.06, note="worst |std - 1| at d = 64 and 256"),
        check("indep_std_mup_scale_d256", 256**-0.5, out[256]["std_mup"], rel_tol=0.06),
        # aligned: q.(q + 0.3 n) has mean d, so the 1/sqrt(d) logit is sqrt(d) and the 1/d logit is 1
        check("aligned_sqrt_scale_growth_64_to_256", 2.0, out[256]["aligned_sqrt"] / out[64]["aligned_sqrt"],
              rel_tol=0.02),
        check("aligned_mup_logit_stays_1", 0.0, max(abs(out[d_]["aligned_mup"] - 1.0) for d_ in (64, 256)), abs_tol=0.02,
              note="worst |logit - 1| at d = 64 and 256"),
        check("plain_logits_grow_with_w_q", 10.0, plain_growth, rel_tol=1e-9),
        # eps moves a logit of size <= 8 by about 8 * eps: unchanged to 1e-4, where plain logits grow 10x
        check("qk_norm_logits_ignore_weight_scale", 0.0, normed_change, abs_tol=1e-4),
        check("qk_norm_max_logit_is_sqrt_d", d**0.5, normed_max, rel_tol=1e-6,
              note="Cauchy-Schwarz: |q.k|/sqrt(d) <= sqrt(d), reached by a query against itself"),
        check("qk_norm_matches_rms_norm", 0.0, worst_vs_torch, abs_tol=1e-12,
              note="worst |difference| from torch.nn.functional.rms_norm, q entries of size 1e-3, 1 and 100"),
    ]


if __name__ == "__main__":
    main(run)
