"""On a skewed tensor, asymmetric (zero-point) 8-bit quantization beats symmetric absmax: absmax spends half of
its 255 levels on negative values that never occur, so for non-negative activations its step max/127 is about
twice the zero-point step (max - min)/255, and so is its RMS error. On a symmetric tensor the two are about
equal. The zero point is rounded to an integer so that 0 (padding, ReLU zeros) stays exact.

Both quantizers run on |N(0, 1)| (post-ReLU-like, all >= 0) and on N(0, 1); the RMS error ratio is compared
with the ratio of the two steps, 255·max|x| / (127·(max - min)). The exact-zero check uses GELU outputs
(range about [-0.17, max]) with a 0 appended.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_most, main


def absmax_int8(x: torch.Tensor):
    s = x.abs().max() / 127
    return torch.round(x / s).clamp(-127, 127), s


def zeropoint_uint8(x: torch.Tensor):
    """Asymmetric: [min, max] onto 0..255 with an integer zero point. Returns (codes, scale, zero_point)."""
    s = (x.max() - x.min()) / 255
    zp = torch.round(-x.min() / s)
    return torch.clamp(torch.round(x / s) + zp, 0, 255), s, zp


def run(seed: int = 0, quantize=zeropoint_uint8) -> list:
    g = torch.Generator().manual_seed(seed)
    checks = []
    skewed = torch.randn(200_000, generator=g, dtype=torch.float64).abs()  # (N,) non-negative activations
    symmetric = torch.randn(200_000, generator=g, dtype=torch.float64)
    for name, x in (("half_normal", skewed), ("normal", symmetric)):
        qa, sa = absmax_int8(x)
        err_abs = qa * sa - x
        qz, sz, zp = quantize(x)
        err_zp = (qz - zp) * sz - x
        step_ratio = 255 * x.abs().max() / (127 * (x.max() - x.min()))  # by hand from the range
        rms_ratio = err_abs.pow(2).mean().sqrt() / err_zp.pow(2).mean().sqrt()
        checks.append(check(f"{name}_rms_ratio_absmax_over_zeropoint", step_ratio, rms_ratio, rel_tol=0.015))
        checks.append(check_at_most(f"{name}_zeropoint_max_error_over_half_step", 1 + 1e-9, err_zp.abs().max() / (sz / 2)))
    zero = torch.zeros(1, dtype=torch.float64)
    gelu = F.gelu(2 * torch.randn(10_000, generator=g, dtype=torch.float64))  # min about -0.17
    qz, sz, zp = quantize(torch.cat([gelu, zero]))
    checks.append(check("zero_is_exact", 0.0, ((qz[-1:] - zp) * sz).abs().max(), abs_tol=0))
    return checks


if __name__ == "__main__":
    main(run)
