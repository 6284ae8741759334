"""The variance of q·k grows like d_k for unit-variance q and k; dividing by sqrt(d_k) brings it back to about 1.

If every component of q and k is independent with mean 0 and variance 1, then
q·k = sum_i q_i k_i is a sum of d_k terms of variance 1, so Var(q·k) = d_k.
Dividing by sqrt(d_k) divides the variance by d_k.
"""

import torch
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import qk_std, qk_variance


def logits(q: torch.Tensor, k: torch.Tensor, scale: bool) -> torch.Tensor:
    """(N, d_k), (N, d_k) -> (N,) dot products, optionally divided by sqrt(d_k)."""
    dots = (q * k).sum(-1)
    return dots / q.shape[-1] ** 0.5 if scale else dots


def run(seed: int = 0, scale_fn=logits) -> list:
    g = torch.Generator().manual_seed(seed)
    n = 20_000  # samples; relative standard error of a variance estimate ~ sqrt(2/n) ~ 1%
    checks = []
    for d_k in (16, 64, 256):
        q = torch.randn(n, d_k, generator=g, dtype=torch.float64)
        k = torch.randn(n, d_k, generator=g, dtype=torch.float64)
        var_raw = scale_fn(q, k, scale=False).var()
        var_scaled = scale_fn(q, k, scale=True).var()
        # quiz.params' formulas (the parametric cards) against the sample: the variance estimate's relative
        # standard error is sqrt((2 + 6/d_k) / n) <= 1.1%, the std's half that; a formula 5% off fails
        checks.append(check(f"var_unscaled_d{d_k}", expected=qk_variance(d_k), measured=var_raw, rel_tol=0.035))
        if d_k == 64:  # one width is enough for the std formula (and keeps the report within 8 checks)
            checks.append(check(f"std_unscaled_d{d_k}", expected=qk_std(d_k), measured=var_raw.sqrt(), rel_tol=0.02))
        checks.append(check(f"var_scaled_d{d_k}", expected=1.0, measured=var_scaled, rel_tol=0.05))
    return checks


def figures(seed: int = 0, scale_fn=logits) -> list:
    """Var(q·k) against d_k from 1 to 512, unscaled and scaled, on log-log axes."""
    from _kit import line_figure, log_slope, series

    g = torch.Generator().manual_seed(seed)
    n = 4000  # a variance estimate within ~2%: enough to read a slope over 3 decades
    dims = [2**i for i in range(10)]
    raw, scaled = [], []
    for d_k in dims:
        q = torch.randn(n, d_k, generator=g, dtype=torch.float64)
        k = torch.randn(n, d_k, generator=g, dtype=torch.float64)
        raw.append(scale_fn(q, k, scale=False).var().item())
        scaled.append(scale_fn(q, k, scale=True).var().item())
    return [
        line_figure("var_vs_dk", "Var(q·k) against d_k", ("d_k", "", True), ("Var(q·k)", "", True),
                    [series("q·k", dims, raw, "q·k"), series("q·k / sqrt(d_k)", dims, scaled, "q·k / sqrt(d_k)")],
                    title_zh="Var(q·k) 随 d_k 的变化",
                    note=f"log-log slope {log_slope(dims, raw):.2f} unscaled, {log_slope(dims, scaled):.2f} scaled",
                    note_zh=f"双对数斜率：不缩放 {log_slope(dims, raw):.2f}，缩放后 {log_slope(dims, scaled):.2f}"),
    ]


if __name__ == "__main__":
    main(run)
