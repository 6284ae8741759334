"""GELU(x) = x·Φ(x), where Φ is the standard normal CDF: the input is kept with probability Φ(x), so unlike
ReLU it is slightly negative for negative inputs; the tanh approximation stays within 5e-4 of it.

Hendrycks & Gimpel (2016) motivate GELU as a deterministic version of a random 0/1 mask: multiply x by
m = 1[Z <= x] with Z ~ N(0, 1). The expected value E[x·m] = x·P(Z <= x) = x·Φ(x), so averaging many random
masks (Monte Carlo) must reproduce the formula. The approximation
0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))) was used by BERT and GPT-2.
"""

import math

import torch
import torch.nn.functional as F
from _kit import check, check_at_most, main  # verifiers/ is on sys.path when run as a script or by the quiz


def gelu(x: torch.Tensor) -> torch.Tensor:
    """Exact GELU: x times the standard normal CDF, Φ(x) = (1 + erf(x / sqrt(2))) / 2."""
    return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """The tanh approximation used by BERT and GPT-2."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def run(seed: int = 0, gelu=gelu) -> list:
    g = torch.Generator().manual_seed(seed)
    x = torch.linspace(-10, 10, 20_001, dtype=torch.float64)  # (N,) grid with step 0.001

    # 1. Against PyTorch's own exact GELU (float64: agreement to rounding, ~1e-16).
    err_ref = (gelu(x) - F.gelu(x)).abs().max()

    # 2. GELU(-1) = -Φ(-1) = -(1 + erf(-1/sqrt 2)) / 2 = -0.1587, from the math module; ReLU(-1) would be 0.
    phi_minus_1 = 0.5 * (1.0 + math.erf(-1.0 / math.sqrt(2.0)))
    at_minus_1 = gelu(torch.tensor(-1.0, dtype=torch.float64))

    # 3. The random-mask view: average x·1[Z <= x] over many Z ~ N(0, 1).
    xs = torch.tensor([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], dtype=torch.float64)  # (P,)
    n = 200_000
    z = torch.randn(n, 1, generator=g, dtype=torch.float64)  # (n, 1)
    mc = (xs * (z <= xs)).mean(0)  # (P,) Monte Carlo estimate of E[x·m]
    # standard error of a mean of x·Bernoulli(Φ(x)) is |x|·sqrt(Φ(1-Φ)/n), at most 8.2e-4 for these x; ~6 SE
    mc_err = (mc - gelu(xs)).abs().max()

    # 4. The tanh approximation: our formula equals PyTorch's approximate='tanh', and its gap to the exact
    #    GELU is small everywhere on the grid (largest near |x| ~ 2.7; beyond |x| ~ 6 both equal x or 0).
    err_tanh_impl = (gelu_tanh(x) - F.gelu(x, approximate="tanh")).abs().max()
    err_tanh_vs_exact = (gelu_tanh(x) - gelu(x)).abs().max()

    return [
        check("matches_torch_gelu_max_abs_error", expected=0.0, measured=err_ref, abs_tol=1e-12),
        check("gelu_at_minus_1", expected=-phi_minus_1, measured=at_minus_1, abs_tol=1e-12),
        check("random_mask_average_max_error", expected=0.0, measured=mc_err, abs_tol=0.005),
        check("tanh_formula_matches_torch", expected=0.0, measured=err_tanh_impl, abs_tol=1e-12),
        check_at_most("tanh_approx_max_abs_error", 5e-4, err_tanh_vs_exact,
                      note="largest gap between tanh approximation and exact GELU on [-10, 10]"),
    ]


def figures(seed: int = 0, gelu=gelu) -> list:
    """GELU, its tanh approximation and ReLU on [-4, 4], and the approximation's error on [-6, 6]."""
    from _kit import line_figure, series

    del seed  # deterministic
    x = torch.linspace(-4, 4, 161, dtype=torch.float64)
    xe = torch.linspace(-6, 6, 241, dtype=torch.float64)
    gap = (gelu_tanh(xe) - gelu(xe)).abs()
    return [
        line_figure("gelu_curves", "GELU, its tanh approximation and ReLU", "x", "f(x)",
                    [series("GELU x·Φ(x)", x, gelu(x)), series("tanh approximation", x, gelu_tanh(x), "tanh 近似"),
                     series("ReLU", x, x.clamp_min(0))],
                    title_zh="GELU、tanh 近似与 ReLU",
                    note=f"GELU dips below 0 (minimum {gelu(x).min().item():.3f}); ReLU never does",
                    note_zh=f"GELU 会低于 0（最小值 {gelu(x).min().item():.3f}）；ReLU 不会"),
        line_figure("tanh_gap", "|tanh approximation - GELU|", "x", "absolute error",
                    [series("|tanh approx - GELU|", xe, gap, "|tanh 近似 - GELU|")], title_zh="|tanh 近似 - GELU|",
                    note=f"largest gap {gap.max().item():.1e}", note_zh=f"最大差距 {gap.max().item():.1e}"),
    ]


if __name__ == "__main__":
    main(run)
