"""Chinchilla's rule of thumb sizes a compute-optimal model from its training budget: with C = 6 N D FLOPs and
about 20 training tokens per parameter (D = 20 N), N = sqrt(C / 120) and D = sqrt(20 C / 6). Chinchilla
itself (70B parameters, 1.4T tokens) is 20 tokens per parameter and about 5.9e23 FLOPs; a 1e24 FLOP budget
gives about 91B parameters and 1.8T tokens.

Checked by solving 6 * N * (20 N) = C by bisection, independently of the closed form.
"""

from _kit import check, main

from quiz.params_tuning_scaling import (
    chinchilla_params_b,
    chinchilla_tokens_b,
    chinchilla_tokens_for_params_b,
    train_compute_e21,
)


def bisect_params(compute: float, tokens_per_param: float = 20) -> float:
    """Solve 6 * N * (k N) = C for N by bisection on a log scale (independent of the square root)."""
    lo, hi = 1.0, 1e15
    for _ in range(200):
        mid = (lo * hi) ** 0.5
        if 6 * mid * tokens_per_param * mid < compute:
            lo = mid
        else:
            hi = mid
    return lo


def run(seed: int = 0, params_b=chinchilla_params_b, tokens_b=chinchilla_tokens_b) -> list:
    del seed  # deterministic arithmetic
    # the square-root formulas against a bisection solve, over five orders of magnitude of budget
    budgets = (1e21, 5.88e23, 1e24, 1e25)
    n_err = max(abs(params_b(c) / (bisect_params(c) / 1e9) - 1) for c in budgets)
    d_err = max(abs(tokens_b(c) / (20 * bisect_params(c) / 1e9) - 1) for c in budgets)
    checks = [
        check("params_b_vs_bisection", 0.0, n_err, abs_tol=1e-9, note="worst relative error, C = 1e21 .. 1e25"),
        check("tokens_b_vs_bisection", 0.0, d_err, abs_tol=1e-9, note="worst relative error, C = 1e21 .. 1e25"),
    ]
    checks += [
        # Chinchilla by hand: 6 * 70e9 * 1.4e12 = 5.88e23 FLOPs = 588 x 1e21; 1.4e12 / 70e9 = 20
        check("chinchilla_70b_compute_e21", 588, train_compute_e21(70, 1400), rel_tol=1e-12),
        check("chinchilla_tokens_per_param", 20, tokens_b(5.88e23) / params_b(5.88e23), rel_tol=1e-12),
        # 1e24 FLOPs: N = sqrt(1e24 / 120) = 91.29e9, D = 1.826e12
        # a model is compute-optimal for C = 6 N (20 N): its tokens must be those of that budget
        check("tokens_for_params_175b", tokens_b(6 * 175e9 * 20 * 175e9), chinchilla_tokens_for_params_b(175),
              rel_tol=1e-9),
        check("params_b_1e24_by_hand", 91.287, params_b(1e24), rel_tol=1e-4),
        check("tokens_b_1e24_by_hand", 1825.7, tokens_b(1e24), rel_tol=1e-4),
    ]
    return checks


if __name__ == "__main__":
    main(run)
