"""A binary float with e exponent bits and m mantissa bits has machine epsilon 2^-m, smallest normal 2^(1-bias)
(bias = 2^(e-1) - 1) and largest finite value (2 - 2^-m)·2^(2^e - 2 - bias); FP8 E4M3 ("fn") frees the top
exponent for numbers and keeps only S.1111.111 as NaN, so its maximum is 1.75·2^8 = 448, while E5M2 keeps IEEE
infinities and reaches 57344. fp16 spans about 6e-5 to 65504 with eps 2^-10; bf16 keeps fp32's 8-bit exponent
(max ~3.4e38) with eps 2^-7.

The closed forms are compared with torch.finfo for fp32, fp16, bf16, float8_e4m3fn and float8_e5m2; the
smallest subnormal is read from the bit pattern 0...01; and all 256 FP8 codes are decoded by hand from their
sign, exponent and mantissa fields and compared with torch's own decoding.
"""

import math

import torch
from _kit import check, main

from quiz.params_systems import float_eps, float_max, float_min_normal, float_min_subnormal

# name, dtype, exponent bits, mantissa bits, IEEE-style top exponent (1) or E4M3fn style (0), int dtype for bits
FORMATS = [
    ("fp32", torch.float32, 8, 23, 1, torch.int32),
    ("fp16", torch.float16, 5, 10, 1, torch.int16),
    ("bf16", torch.bfloat16, 8, 7, 1, torch.int16),
    ("e4m3", torch.float8_e4m3fn, 4, 3, 0, torch.uint8),
    ("e5m2", torch.float8_e5m2, 5, 2, 1, torch.uint8),
]


def decode_fp8(code: int, e: int, m: int, ieee: int) -> float:
    """Value of an 8-bit pattern S | E (e bits) | M (m bits), by hand."""
    sign = -1.0 if code >> 7 else 1.0
    exp = (code >> m) & (2**e - 1)
    man = code & (2**m - 1)
    bias = 2 ** (e - 1) - 1
    if ieee and exp == 2**e - 1:  # E5M2: all-ones exponent is inf (mantissa 0) or NaN
        return sign * math.inf if man == 0 else math.nan
    if not ieee and exp == 2**e - 1 and man == 2**m - 1:  # E4M3fn: only S.1111.111 is NaN
        return math.nan
    if exp == 0:  # subnormal: no implicit leading 1
        return sign * man / 2**m * 2.0 ** (1 - bias)
    return sign * (1 + man / 2**m) * 2.0 ** (exp - bias)


def run(seed: int = 0, max_fn=float_max, eps_fn=float_eps, normal_fn=float_min_normal,
        subnormal_fn=float_min_subnormal) -> list:  # fmt: skip
    del seed  # nothing random: formats are fixed
    def worst(pairs):  # largest relative difference over the five formats
        return max(abs(formula / reference - 1) for reference, formula in pairs)

    def tiniest(dtype, int_dtype):  # the bit pattern 0...01
        return torch.tensor([1], dtype=int_dtype).view(dtype).float().item()

    fi = {name: torch.finfo(dtype) for name, dtype, *_ in FORMATS}
    mismatches = 0
    for _, dtype, e, m, ieee, _ in FORMATS[3:]:
        torch_values = torch.arange(256, dtype=torch.uint8).view(dtype).float().tolist()
        mismatches += sum(not (a == b or (math.isnan(a) and math.isnan(b)))
                          for a, b in zip((decode_fp8(c, e, m, ieee) for c in range(256)), torch_values, strict=True))
    return [
        # against torch.finfo, worst case over fp32, fp16, bf16, e4m3fn and e5m2
        check("max_vs_finfo_worst_rel", 0.0, worst((fi[n].max, max_fn(e, m, i)) for n, _, e, m, i, _ in FORMATS),
              abs_tol=1e-12),
        check("eps_vs_finfo_worst_rel", 0.0, worst((fi[n].eps, eps_fn(m)) for n, _, e, m, _, _ in FORMATS),
              abs_tol=1e-12),
        check("min_normal_vs_finfo_worst_rel", 0.0,
              worst((fi[n].smallest_normal, normal_fn(e)) for n, _, e, _, _, _ in FORMATS), abs_tol=1e-12),
        check("min_subnormal_vs_bits_worst_rel", 0.0,
              worst((tiniest(d, t), subnormal_fn(e, m)) for _, d, e, m, _, t in FORMATS), abs_tol=1e-12),
        check("fp8_codes_not_matching_hand_decoding", 0, mismatches, abs_tol=0, note="all 256 codes of each format"),
        # by hand: 1.1111111111b x 2^15, 2^-7, 2^-24 (E4M3's 448 = 1.110b x 2^8 is finfo's max above)
        check("fp16_max_is_65504", 65504, max_fn(5, 10, 1), abs_tol=0),
        check("bf16_eps", 2.0**-7, eps_fn(7), abs_tol=0),
        check("fp16_min_subnormal", 2.0**-24, subnormal_fn(5, 10), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
