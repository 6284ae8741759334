"""The estimator pass@k = 1 - C(n-c, k) / C(n, k), from n samples per problem of which c pass, is
unbiased: averaged over the binomial distribution of c it equals the true 1 - (1 - p)^k exactly. The
plug-in 1 - (1 - c/n)^k is biased low (for p = 0.1, n = 20, k = 10 its expectation is 0.568 against a
true 0.651), and pass@1 reduces to c/n.

Chen et al. 2021, "Evaluating Large Language Models Trained on Code" (Codex, HumanEval), Sec. 2.1, eq. 1
and Fig. 3 (the numerically stable product 1 - prod_{i=n-c+1}^{n} (1 - k/i)). By Jensen's inequality,
(1 - p_hat)^k is convex in p_hat, so the plug-in estimate of the failure probability is too high.
"""

import math

import torch
from _kit import check, check_at_least, main

from quiz.params_context_moe_eval import pass_at_k


def expected_over_c(estimator, n: int, k: int, p: float) -> float:
    """E[estimator(n, c, k)] with c ~ Binomial(n, p), summed exactly over every c."""
    return sum(math.comb(n, c) * p**c * (1 - p) ** (n - c) * estimator(n, c, k) for c in range(n + 1))


def naive(n: int, c: int, k: int) -> float:
    return 1 - (1 - c / n) ** k


def stable_product(n: int, c: int, k: int) -> float:
    """The Codex paper's numpy form, written with torch: 1 - prod(1 - k / arange(n - c + 1, n + 1))."""
    if n - c < k:
        return 1.0
    i = torch.arange(n - c + 1, n + 1, dtype=torch.float64)
    return 1.0 - float(torch.prod(1.0 - k / i))


def run(seed: int = 0, estimator=pass_at_k) -> list:
    g = torch.Generator().manual_seed(seed)
    n, k, p = 20, 10, 0.1
    truth = 1 - (1 - p) ** k  # 0.6513
    grid = [(int(n_), int(c_), int(k_)) for n_, c_, k_ in zip(
        torch.randint(10, 200, (50,), generator=g), torch.randint(0, 10, (50,), generator=g),
        torch.randint(1, 10, (50,), generator=g), strict=True)]  # fmt: skip
    worst = max(abs(estimator(n_, c_, k_) - stable_product(n_, c_, k_)) for n_, c_, k_ in grid)
    # Monte Carlo: 20,000 simulated evaluations of one problem, each drawing n = 20 samples
    c_sim = torch.binomial(torch.full((20000,), float(n), dtype=torch.float64),
                           torch.full((20000,), p, dtype=torch.float64), generator=g)  # fmt: skip
    sim = sum(estimator(n, int(c), k) for c in c_sim.tolist()) / len(c_sim)
    sim_naive = sum(naive(n, int(c), k) for c in c_sim.tolist()) / len(c_sim)
    return [
        check("unbiased_exact_expectation", truth, expected_over_c(estimator, n, k, p), abs_tol=1e-12),
        check("naive_expectation", expected_over_c(naive, n, k, p), sim_naive, abs_tol=0.008,
              note="plug-in 1 - (1 - c/n)^k, exact sum vs simulation"),  # fmt: skip
        check_at_least("naive_bias_low", 0.05, truth - expected_over_c(naive, n, k, p)),
        check("monte_carlo_mean", truth, sim, abs_tol=0.008, note="20,000 simulated evaluations"),
        check("matches_stable_product", 0.0, worst, abs_tol=1e-12, note="50 random (n, c, k)"),
        check("pass_at_1_is_c_over_n", 7 / 50, estimator(50, 7, 1), rel_tol=1e-12),
        check("n20_c3_k5", 1 - math.comb(17, 5) / math.comb(20, 5), estimator(20, 3, 5), rel_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
