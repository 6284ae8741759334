"""The sqrt(d_k) in attention is about the key dimension, not the sequence length: the variance of a scaled
logit q·k/sqrt(d_k) is 1 whether T is 16 or 1,024. Dividing by sqrt(T) instead would shrink the logits
toward 0 as sequences grow.

Each logit is one dot product of a query with one key; T only says how many such logits a row has, not
how big each one is. What T does change is the softmax's entropy, which for unit-variance logits is
about ln T - 1/2: the gap to the uniform distribution's ln T stays ~1/2 at every length.
"""

import math

import torch
from _kit import check, main


def logits(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """(B, T, d_k), (B, T, d_k) -> (B, T, T) scaled attention logits."""
    return q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])


def run(seed: int = 0, scale_fn=logits) -> list:
    g = torch.Generator().manual_seed(seed)
    d_k = 64
    checks = []
    # 1,024 query and key vectors at each length. Logits sharing a query are slightly correlated, so the
    # standard error of the variance is ~sqrt(2/n + (2/d_k)(2/1024)) ~ 1.3%; 5% is ~4 SE.
    for T, B in ((16, 64), (128, 8), (1024, 1)):
        q = torch.randn(B, T, d_k, generator=g, dtype=torch.float64)
        k = torch.randn(B, T, d_k, generator=g, dtype=torch.float64)
        z = scale_fn(q, k)  # (B, T, T)
        p = z.softmax(-1)
        h = -(p * p.clamp_min(1e-300).log()).sum(-1).mean()  # entropy per row, averaged
        checks.append(check(f"var_scaled_T{T}", 1.0, z.var(), rel_tol=0.05))
        # ln T - H -> 1/2 for large T; at T = 16 the finite-T bias is ~0.1, hence the tolerance.
        checks.append(check(f"entropy_gap_T{T}", 0.5, math.log(T) - h, abs_tol=0.15))
    # If the scale were about length (as one post explains it) and we divided by sqrt(T) instead:
    # Var(q·k / sqrt(T)) = d_k / T, which does depend on T. Uses the T = 1,024 draw from the loop.
    z_len = q @ k.transpose(-2, -1) / math.sqrt(T)
    checks.append(check("var_if_divided_by_sqrt_T1024", d_k / T, z_len.var(), rel_tol=0.05))
    return checks


if __name__ == "__main__":
    main(run)
