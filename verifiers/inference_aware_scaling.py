"""Once inference is counted, the cheapest model that reaches a target loss is smaller than the
Chinchilla-optimal one and is trained on more tokens per parameter ("over-trained"): lifetime cost is
6 N D_train + 2 N D_inference FLOPs, and every inference token is cheaper on a smaller model.

Measured with Chinchilla's fitted loss L(N, D) = 1.69 + 406.4 / N^0.34 + 410.7 / D^0.28: for each N the
training tokens that reach the target loss follow from the fit, a grid search finds the cheapest N, and the
optimum satisfies the Lagrange condition alpha A N^-alpha / (beta B D^-beta) = 1 + D_inference / (3 D_train).
"""

import torch
from _kit import check, check_at_least, check_at_most, main

E, A, B, ALPHA, BETA = 1.69, 406.4, 410.7, 0.34, 0.28


def lifetime_flops(n, d_train, d_inference):
    """Training at 6 FLOPs per parameter per token plus inference at 2 (a forward pass only)."""
    return 6 * n * d_train + 2 * n * d_inference


def cheapest(target_loss: float, d_inference: float, cost_fn):
    n = torch.logspace(8, 13, 200_001, dtype=torch.float64)
    gap = target_loss - E - A / n**ALPHA  # what the data term may still contribute
    d = torch.where(gap > 0, (B / gap.clamp_min(1e-300)) ** (1 / BETA), torch.inf)  # tokens needed at each N
    i = torch.argmin(cost_fn(n, d, d_inference))
    return n[i].item(), d[i].item()


def run(seed: int = 0, cost_fn=lifetime_flops) -> list:
    del seed  # deterministic
    target = 2.0  # a loss target in the range of today's open models under this fit
    n0, d0 = cheapest(target, 0.0, cost_fn)  # training only: the Chinchilla-optimal model for this loss
    d_inf = 10 * d0  # serve ten times the training tokens over the model's life
    n1, d1 = cheapest(target, d_inf, cost_fn)
    foc = lambda n, d: (ALPHA * A * n**-ALPHA) / (BETA * B * d**-BETA)  # noqa: E731
    return [
        check("lagrange_training_only", 1.0, foc(n0, d0), rel_tol=1e-3),
        check("lagrange_with_inference", 1 + d_inf / (3 * d1), foc(n1, d1), rel_tol=1e-3),
        # strictly: at least 1% smaller, 1% more tokens per parameter and 1% cheaper over the model's life
        check_at_most("params_with_inference_over_without", 0.99, n1 / n0),
        check_at_least("tokens_per_param_with_over_without", 1.01, (d1 / n1) / (d0 / n0)),
        check_at_most("lifetime_cost_over_chinchilla_model", 0.99,
                      lifetime_flops(n1, d1, d_inf) / lifetime_flops(n0, d0, d_inf)),
    ]


if __name__ == "__main__":
    main(run)
