"""With k drafted tokens, each accepted with probability alpha (independently, until the first rejection), one
target pass yields on average (1 - alpha^(k+1)) / (1 - alpha) tokens: the accepted prefix plus one token from
the target (the correction after a rejection, or a bonus token when all k are accepted). If a draft pass
costs c target passes, the expected speedup is that over (k c + 1).

The simulation runs the real acceptance rule (accept x ~ q with probability min(1, p(x)/q(x))) with fixed
target and draft distributions p and q over 16 tokens, whose acceptance rate is alpha = sum_x min(p(x), q(x));
50,000 target passes per setting.
"""

import torch
from _kit import check, main

from quiz.params_systems import spec_expected_tokens, spec_speedup


def simulate_tokens(p: torch.Tensor, q: torch.Tensor, k: int, n: int, g) -> torch.Tensor:
    """Tokens produced by each of n target passes: accepted draft prefix + 1."""
    u_draw = torch.rand(n, k, generator=g, dtype=torch.float64)
    x = torch.searchsorted(q.cumsum(0), u_draw).clamp(max=q.numel() - 1)  # (n, k) drafted tokens, x ~ q
    u = torch.rand(n, k, generator=g, dtype=torch.float64)
    accept = u < (p[x] / q[x]).clamp(max=1)  # (n, k) the acceptance test of each drafted token
    prefix = accept.long().cumprod(dim=1).sum(dim=1)  # accepted tokens before the first rejection
    return prefix + 1


def run(seed: int = 0, expected_tokens=spec_expected_tokens) -> list:
    g = torch.Generator().manual_seed(seed)
    checks = []
    for temp in (0.5, 1.0):
        logits = torch.randn(16, generator=g, dtype=torch.float64)
        p = torch.softmax(logits / temp, 0)  # target distribution
        q = torch.softmax((logits + 0.8 * torch.randn(16, generator=g, dtype=torch.float64)) / temp, 0)  # draft
        alpha = torch.minimum(p, q).sum().item()
        for k in (4, 8):
            tokens = simulate_tokens(p, q, k, 50_000, g).double()
            label = f"t{temp:g}_k{k}".replace(".", "p")
            # the standard error of the mean is at most ~0.011 tokens here (std <= 2.5); 1% relative is >= 3 SE
            checks.append(check(f"{label}_tokens_per_pass", tokens.mean(), expected_tokens(alpha, k), rel_tol=0.01,
                                note=f"alpha = {alpha:.3f}"))
            if k == 4 and temp == 1.0:  # simulated tokens per iteration over its cost (4 drafts at c = 0.05 + 1 target)
                checks.append(check(f"{label}_speedup_c0p05", tokens.mean() / (4 * 0.05 + 1), spec_speedup(alpha, 4, 0.05),
                                    rel_tol=0.01))
    # closed-form corner case by hand: alpha = 1 gives k + 1
    checks.append(check("alpha_1_gives_k_plus_1", 6.0, expected_tokens(1.0, 5), abs_tol=1e-12))
    # alpha = 0.8, k = 4: (1 - 0.8^5) / 0.2 = 3.3616 tokens; with c = 0.05 the speedup is 3.3616 / 1.2 = 2.8013
    checks.append(check("alpha_0p8_k4_tokens", 3.3616, expected_tokens(0.8, 4), rel_tol=1e-12))
    checks.append(check("alpha_0p8_k4_c0p05_speedup", 3.3616 / 1.2, spec_speedup(0.8, 4, 0.05), rel_tol=1e-12))
    return checks


if __name__ == "__main__":
    main(run)
