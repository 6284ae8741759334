"""Symmetric int8 absmax quantization maps x to round(x / s) with s = max|x| / 127; the round-trip error of
every value is at most s/2 and, for typical values, its RMS is s/sqrt(12). One large outlier inflates s and
with it the error of every other value.

Rounding to the nearest integer moves x/s by at most 1/2, so x moves by at most s/2; rounding errors of
values spread over many levels are close to uniform on [-s/2, s/2], whose RMS is s/sqrt(12) = 0.289·s.
An outlier 10 times larger than the rest makes s, and the error of every other value, 10 times larger;
this is why LLM.int8() (Dettmers et al. 2022) keeps outlier features in 16-bit.
"""

import math

import torch
from _kit import check, check_at_least, check_at_most, main  # verifiers/ is on sys.path


def absmax_int8(x: torch.Tensor):
    """Per-tensor symmetric quantization. Returns int8 codes in [-127, 127] and the scale."""
    scale = x.abs().max() / 127
    q = torch.round(x / scale).clamp(-127, 127).to(torch.int8)
    return q, scale


def dequantize(q: torch.Tensor, scale) -> torch.Tensor:
    return q.to(torch.float64) * scale


def run(seed: int = 0, quantize=absmax_int8) -> list:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(100_000, generator=g, dtype=torch.float64)  # (N,) weights-like values
    q, s = quantize(x)
    err = dequantize(q, s) - x  # (N,)
    half = float(s) / 2

    # Reference: PyTorch's fake quantization (float32) with the same scale, zero point 0, range [-127, 127].
    x32 = x.float()
    q32, s32 = quantize(x32)
    ref = torch.fake_quantize_per_tensor_affine(x32, float(s32), 0, -127, 127)  # dequantized values
    same = (torch.round(ref / s32) == q32.float()).double().mean()  # fraction of identical int8 codes

    # One outlier 10x the largest value: the scale grows 10x and so does the error on everything else
    # (the other values still spread over several levels, so their rounding error stays uniform).
    x_out = x.clone()
    x_out[0] = 10 * x.abs().max()
    q_o, s_o = quantize(x_out)
    err_o = (dequantize(q_o, s_o) - x_out)[1:]
    rms_ratio = err_o.pow(2).mean().sqrt() / err[1:].pow(2).mean().sqrt()

    return [
        # the scale by hand: the largest magnitude maps to code 127, the end of the symmetric int8 range
        check("scale_is_absmax_over_127", x.abs().max().item() / 127, float(s), rel_tol=1e-12),
        check("largest_code_is_127", 127, q.abs().max(), abs_tol=0),
        # max |error| / (s/2): at most 1 (plus float64 rounding, ~1e-16)
        check_at_most("max_error_over_half_scale", 1 + 1e-9, err.abs().max() / half),
        # with 100k values some land next to a rounding midpoint, so the bound is nearly reached
        check_at_least("max_error_reaches_half_scale", 0.99, err.abs().max() / half),
        # uniform rounding error: RMS = s/sqrt(12); the estimate's relative SE with 1e5 values is ~0.3%
        check("rms_error_over_scale", expected=1 / math.sqrt(12), measured=err.pow(2).mean().sqrt() / s,
              rel_tol=0.02),
        # float32 values exactly halfway between two codes may round either way (2 in 10 million seen)
        check("codes_matching_torch_fraction", expected=1.0, measured=same, abs_tol=1e-4),
        check("outlier_scale_growth", expected=10.0, measured=s_o / s, rel_tol=1e-12),
        check("outlier_error_growth", expected=10.0, measured=rms_ratio, rel_tol=0.05),
    ]


if __name__ == "__main__":
    main(run)
