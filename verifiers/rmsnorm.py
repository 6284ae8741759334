"""RMSNorm, x / sqrt(mean(x^2) + eps) * g, equals LayerNorm (without bias) on zero-mean input; it
keeps LayerNorm's invariance to rescaling the input but drops the re-centring, and has d parameters
instead of 2d.

Zhang & Sennrich 2019: with the mean subtracted, mean(x^2) is the variance, so the two
norms coincide. On input with a non-zero mean they differ: shifting x changes RMSNorm's
output and not LayerNorm's.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _kit import check, check_at_least, main

from quiz.params import layernorm_params

EPS = 1e-6


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """(..., C) -> (..., C): divide by the root mean square over the last dim, then scale by weight (C,)."""
    rms = torch.sqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps)  # (..., 1) no mean subtracted
    return x / rms * weight


def run(seed: int = 0, rms_norm=rms_norm) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, C = 4, 8, 32
    x = torch.randn(B, T, C, generator=g, dtype=torch.float64) + 1.0  # non-zero mean on purpose
    w = torch.rand(C, generator=g, dtype=torch.float64) + 0.5  # (C,) a learned gain
    ones = torch.ones(C, dtype=torch.float64)

    y = rms_norm(x, w)
    y_ref = F.rms_norm(x, (C,), w, eps=EPS)  # torch's reference

    x0 = x - x.mean(dim=-1, keepdim=True)  # zero mean per token
    same_on_zero_mean = (rms_norm(x0, ones) - F.layer_norm(x0, (C,), eps=EPS)).abs().max()

    # rescaling the input moves the result only through eps: |diff| <~ |y| * eps / (2 mean(x^2)) ~ 1e-6
    scale_diff = (rms_norm(7.0 * x, w) - y).abs().max()
    # shifting the input: LayerNorm does not care, RMSNorm does
    rms_shift = (rms_norm(x + 3.0, ones) - rms_norm(x, ones)).abs().max()
    ln_shift = (F.layer_norm(x + 3.0, (C,), eps=EPS) - F.layer_norm(x, (C,), eps=EPS)).abs().max()

    out_rms = rms_norm(x, ones).pow(2).mean(dim=-1).sqrt()  # (B, T) ~ sqrt(ms / (ms + eps)) ~ 1
    n_rms = sum(p.numel() for p in nn.RMSNorm(C).parameters())
    n_ln = sum(p.numel() for p in nn.LayerNorm(C).parameters())
    return [
        check("matches_torch_rms_norm", 0.0, (y - y_ref).abs().max(), abs_tol=1e-10),  # float64 rounding
        check("equals_layernorm_on_zero_mean", 0.0, same_on_zero_mean, abs_tol=1e-10),
        check("output_rms_is_one", 1.0, out_rms.mean(), abs_tol=1e-5),
        check("scale_invariant", 0.0, scale_diff, abs_tol=1e-5),
        check_at_least("not_shift_invariant", 0.1, rms_shift, note="x + 3 changes RMSNorm's output"),
        check("layernorm_shift_invariant", 0.0, ln_shift, abs_tol=1e-10),
        check("params_rmsnorm", C, n_rms),  # one gain per feature, no bias
        check("params_layernorm", layernorm_params(C), n_ln),  # gain and bias: 2C
    ]


if __name__ == "__main__":
    main(run)
