"""Speculative sampling leaves the target distribution unchanged: draw x from the draft q, accept it with
probability min(1, p(x)/q(x)), and on rejection draw from the residual max(0, p - q) renormalised; the output is
distributed exactly as p. The acceptance rate is sum_x min(p(x), q(x)) = 1 - TV(p, q).

400,000 samples over an 8-token vocabulary, for two unrelated (p, q) pairs (total variation typically 0.4 to
0.8); the empirical output distribution must be within sampling noise of p (total variation < 0.005; the
noise is about 0.001), and the measured acceptance rate within 0.005 of sum min(p, q).
"""

import torch
from _kit import check, check_at_most, main


def speculative_sample(p: torch.Tensor, q: torch.Tensor, n: int, g) -> tuple[torch.Tensor, torch.Tensor]:
    """n independent one-token speculative steps. Returns (output tokens, accepted mask)."""
    x = torch.searchsorted(q.cumsum(0), torch.rand(n, generator=g, dtype=torch.float64)).clamp(max=q.numel() - 1)
    accept = torch.rand(n, generator=g, dtype=torch.float64) < (p[x] / q[x]).clamp(max=1)
    residual = (p - q).clamp(min=0)
    fallback = torch.multinomial(residual / residual.sum(), n, replacement=True, generator=g)  # (n,)
    return torch.where(accept, x, fallback), accept


def run(seed: int = 0, sampler=speculative_sample) -> list:
    g = torch.Generator().manual_seed(seed)
    V, n = 8, 400_000
    checks = []
    for case in range(2):
        p = torch.softmax(1.5 * torch.randn(V, generator=g, dtype=torch.float64), 0)  # target
        q = torch.softmax(1.5 * torch.randn(V, generator=g, dtype=torch.float64), 0)  # an unrelated draft
        out, accepted = sampler(p, q, n, g)
        freq = torch.bincount(out, minlength=V).double() / n
        tv = 0.5 * (freq - p).abs().sum()
        checks.append(check_at_most(f"case{case}_output_tv_to_target", 0.005, tv))
        checks.append(check(f"case{case}_acceptance_rate", torch.minimum(p, q).sum(), accepted.double().mean(),
                            abs_tol=0.005, note=f"TV(p, q) = {0.5 * (p - q).abs().sum():.3f}"))
    return checks


if __name__ == "__main__":
    main(run)
