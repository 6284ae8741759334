"""fp16 overflows where bf16 does not: exp(x) is inf in fp16 once x > ln(65504) ≈ 11.09 and a square is inf once
|x| > 255.9, while bf16, with fp32's exponent range, stays finite; fp16 also flushes values below 2^-25 to zero.
A softmax that subtracts the row maximum (and accumulates in fp32) is safe in fp16; a naive exp/sum is not.
bf16 pays in precision: 1 + 2^-8 rounds to 1 in bf16 but is exact in fp16.

Each claim is measured on torch tensors of the given dtype; the softmax under test runs in fp16 on logits up
to ±30 and is compared with a float64 reference.
"""

import math

import torch
from _kit import check, check_true, main


def stable_softmax(x: torch.Tensor) -> torch.Tensor:
    """Subtract the row max so every exp is <= 1; accumulate the sum in fp32; return the input dtype."""
    z = (x - x.max(dim=-1, keepdim=True).values).float()
    e = z.exp()
    return (e / e.sum(dim=-1, keepdim=True)).to(x.dtype)


def naive_softmax(x: torch.Tensor) -> torch.Tensor:
    e = x.exp()  # in the input dtype: overflows in fp16 for x > 11.09
    return e / e.sum(dim=-1, keepdim=True)


def run(seed: int = 0, softmax=stable_softmax) -> list:
    g = torch.Generator().manual_seed(seed)
    h, b = torch.float16, torch.bfloat16
    logits = (torch.rand(64, 50, generator=g, dtype=torch.float64) * 60 - 30)  # (rows, vocab) in [-30, 30]
    x16 = logits.to(h)  # the fp16 logits the softmax sees
    ref = torch.softmax(x16.double(), dim=-1)  # float64 reference on the same (already rounded) logits
    got = softmax(x16).double()
    # fp16 keeps 11 significant bits: rounding the output costs <= 2^-11 ≈ 4.9e-4 relative, fp32 math ~1e-7
    rel = ((got - ref).abs() / ref.clamp_min(1e-30))[ref > 1e-4].max()
    return [
        check("ln_fp16_max", math.log(65504), math.log(torch.finfo(h).max), rel_tol=1e-12, note="≈ 11.09"),
        # exp(11) is finite in fp16, exp(12) and 256^2 are inf; bf16 keeps both finite (256^2 exactly)
        check_true("overflows_in_fp16_not_bf16",
                   torch.tensor(11.0, dtype=h).exp().isfinite() and torch.tensor(12.0, dtype=h).exp().isinf()
                   and (torch.tensor(256.0, dtype=h) ** 2).isinf() and torch.tensor(12.0, dtype=b).exp().isfinite()
                   and (torch.tensor(256.0, dtype=b) ** 2).item() == 65536.0),
        # 1e-8 is below half of fp16's smallest subnormal (2^-25 ≈ 3e-8); bf16 keeps it within its 2^-8 rounding
        check_true("tiny_1e-8_zero_in_fp16_not_bf16", torch.tensor(1e-8, dtype=h).item() == 0
                   and abs(torch.tensor(1e-8, dtype=b).item() / 1e-8 - 1) <= 2**-8),
        check("bf16_one_plus_2_pow_minus_8", 1.0, (torch.tensor(1.0, dtype=b) + 2**-8).item(), abs_tol=0),
        check("fp16_one_plus_2_pow_minus_8", 1 + 2**-8, (torch.tensor(1.0, dtype=h) + 2**-8).item(), abs_tol=0),
        check_true("naive_fp16_softmax_breaks", not naive_softmax(logits.to(h)).isfinite().all()),
        check("softmax_fp16_rows_sum_to_one", 1.0, got.sum(-1).sub(1).abs().max() + 1, abs_tol=0.005),
        check("softmax_fp16_max_rel_error", 0.0, rel if got.isfinite().all() else math.inf, abs_tol=2**-11 + 1e-6),
    ]


if __name__ == "__main__":
    main(run)
