"""Group-wise int4 quantization: each group of g consecutive weights in a row gets its own scale
s = max|w| / 7 (codes -7..7), so the round-trip error is at most s/2 and its RMS about s/sqrt(12); smaller
groups have smaller maxima, hence smaller scales and errors, at a storage cost of 4 + 16/g bits per weight
with an fp16 scale per group (4 + 32/g with an fp16 zero point too): 4.125 bits at g = 128.

The storage formula is checked against the bytes of really packed tensors (two 4-bit codes per uint8, fp16
scales and zero points); the error against the per-group scales actually chosen.
"""

import math

import torch
from _kit import check, check_at_most, check_true, main

from quiz.params_systems import quantized_bits_per_weight, quantized_weight_gb


def quantize_groups(w: torch.Tensor, group_size: int):
    """w (rows, cols) -> int8 codes in [-7, 7] of the same shape and scales (rows, cols // group_size)."""
    groups = w.view(w.shape[0], -1, group_size)  # (rows, n_groups, g)
    scales = groups.abs().amax(dim=-1) / 7  # (rows, n_groups)
    codes = torch.round(groups / scales[..., None]).clamp(-7, 7).to(torch.int8)
    return codes.view_as(w), scales


def dequantize_groups(codes: torch.Tensor, scales: torch.Tensor, group_size: int) -> torch.Tensor:
    return (codes.view(codes.shape[0], -1, group_size).double() * scales[..., None]).view(codes.shape)


def packed_bytes(codes: torch.Tensor, scales: torch.Tensor, with_zero: bool) -> int:
    """Pack two signed 4-bit codes per byte (offset by 8 into 0..15); scales (and zero points) in fp16."""
    u = (codes.flatten().to(torch.int16) + 8).to(torch.uint8)  # (n,) in 1..15
    packed = u[0::2] | (u[1::2] << 4)  # (n/2,) uint8
    extra = [scales.half()] + ([torch.zeros_like(scales).half()] if with_zero else [])
    return packed.numel() * packed.element_size() + sum(t.numel() * t.element_size() for t in extra)


def run(seed: int = 0, quantize=quantize_groups) -> list:
    g = torch.Generator().manual_seed(seed)
    rows, cols = 64, 1024
    w = torch.randn(rows, cols, generator=g, dtype=torch.float64) * 0.02  # (rows, cols) weight matrix
    rms, worst_err, worst_rms, worst_bytes = {}, 0.0, 0.0, 0.0
    for gs in (32, 64, 128, 1024):  # 1024 = one scale per row
        codes, scales = quantize(w, gs)
        err = dequantize_groups(codes, scales, gs) - w  # (rows, cols)
        half = scales.repeat_interleave(gs, dim=1) / 2  # each weight's s/2
        rms[gs] = err.pow(2).mean().sqrt().item()
        worst_err = max(worst_err, (err.abs() / half).max().item())
        # uniform rounding error, RMS s/sqrt(12), except each group's largest weight, which is exact
        predicted = math.sqrt(scales.pow(2).mean().item() / 12 * (gs - 1) / gs)
        worst_rms = max(worst_rms, abs(rms[gs] / predicted - 1))
        for with_zero in (False, True):
            formula = quantized_bits_per_weight(4, gs, 16, 16 if with_zero else 0) * w.numel() / 8
            worst_bytes = max(worst_bytes, abs(packed_bytes(codes, scales, with_zero) - formula))
    checks = [
        # worst case over group sizes 32, 64, 128 and 1024
        check_at_most("max_error_over_half_scale", 1 + 1e-9, worst_err),
        check("rms_vs_uniform_worst_rel", 0.0, worst_rms, abs_tol=0.015),
        check("packed_bytes_minus_formula_worst", 0.0, worst_bytes, abs_tol=0, note="with and without zero points"),
        check_true("smaller_groups_smaller_error", rms[32] < rms[64] < rms[128] < rms[1024]),
    ]
    checks.append(check("bits_per_weight_g128", 4.125, quantized_bits_per_weight(4, 128), abs_tol=0))
    # 7e9 weights x 4.125 bits / 8 = 3.609375e9 bytes
    checks.append(check("llama_7b_int4_g128_gb", 3.609375, quantized_weight_gb(7, 4, 128), rel_tol=1e-12))
    # 70e9 x 4.125 / 8 = 36.09375e9 bytes
    checks.append(check("llama_70b_int4_g128_gb", 36.09375, quantized_weight_gb(70, 4, 128), rel_tol=1e-12))
    # the GB helper against the packed tensors of this small matrix
    codes, scales = quantize(w, 128)
    checks.append(check("gb_helper_vs_packed_g128", packed_bytes(codes, scales, False) / 1e9,
                        quantized_weight_gb(w.numel() / 1e9, 4, 128), rel_tol=1e-9))
    return checks


if __name__ == "__main__":
    main(run)
