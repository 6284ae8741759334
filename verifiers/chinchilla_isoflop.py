"""With Chinchilla's fitted loss L(N, D) = E + A / N^alpha + B / D^beta (E = 1.69, A = 406.4, B = 410.7,
alpha = 0.34, beta = 0.28), minimising the loss at a fixed budget C = 6 N D puts the optimal model size at
N_opt proportional to C^(beta / (alpha + beta)), about C^0.45, and the optimal tokens at about C^0.55: grow
parameters and tokens roughly equally, unlike Kaplan et al.'s N_opt ~ C^0.73.

Measured by a grid search along each iso-FLOP curve, against the closed form
N_opt = G (C/6)^(beta/(alpha+beta)) with G = (alpha A / (beta B))^(1/(alpha+beta)).
"""

import math

import torch
from _kit import check, main

E, A, B, ALPHA, BETA = 1.69, 406.4, 410.7, 0.34, 0.28


def chinchilla_loss(n, d):
    return E + A / n**ALPHA + B / d**BETA


def optimal_params(compute: float, loss=chinchilla_loss) -> float:
    """Grid search over N on the iso-FLOP curve D = C / (6 N)."""
    n = torch.logspace(6, 14, 200_001, dtype=torch.float64)  # 1M to 100T parameters, 25,000 points a decade
    return n[torch.argmin(loss(n, compute / (6 * n)))].item()


def run(seed: int = 0, loss=chinchilla_loss) -> list:
    del seed  # deterministic
    a = BETA / (ALPHA + BETA)
    G = (ALPHA * A / (BETA * B)) ** (1 / (ALPHA + BETA))
    n21, n24 = optimal_params(1e21, loss), optimal_params(1e24, loss)
    exponent = math.log(n24 / n21) / math.log(1e3)
    return [
        check("n_opt_1e21_vs_closed_form", G * (1e21 / 6) ** a, n21, rel_tol=2e-4),  # grid step is 0.009%
        check("n_opt_1e24_vs_closed_form", G * (1e24 / 6) ** a, n24, rel_tol=2e-4),
        check("n_opt_exponent", a, exponent, abs_tol=1e-4),
        check("d_opt_exponent", 1 - a, 1 - exponent, abs_tol=1e-4),
        check("exponent_by_hand", 0.4516, a, abs_tol=1e-4),  # 0.28 / 0.62
    ]


if __name__ == "__main__":
    main(run)
