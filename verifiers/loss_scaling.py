"""Loss scaling rescues fp16 gradients from underflow: multiplying the loss by S (e.g. 2^16) multiplies every
gradient by S through the chain rule, lifting values below fp16's smallest subnormal (2^-24 ≈ 6e-8) into
range; dividing by S afterwards in fp32 recovers them. Without scaling, every gradient below 2^-25 becomes 0.
Unscaling must happen in fp32: dividing the fp16 gradient by S in fp16 underflows again.

A toy layer y = w * x with loss sum(a * y) has gradient a * x, computed by fp16 autograd. With a spread
log-uniformly over 1e-9..1e-4 and x in [1, 2), the fraction of gradients that come out as zero is compared with the fraction
of true gradients below 2^-25; with S = 2^16 every scaled gradient is a normal fp16 number, and the unscaled
fp32 gradients match a float64 computation to fp16 precision (2^-11 relative). Too large a scale (2^30)
overflows to inf, which is what a dynamic scaler watches for before halving S.
"""

import torch
from _kit import check, check_at_most, check_true, main


def fp16_grad(w64, x64, a64) -> torch.Tensor:
    """Backward in fp16 for loss = sum(a * (w * x)); a carries the loss scale. Returns the fp16 grad of w."""
    w = w64.half().requires_grad_(True)
    (a64.half() * (w * x64.half())).sum().backward()
    return w.grad  # (n,) fp16, = fp16(a) * fp16(x) rounded to fp16


def unscale(grad16: torch.Tensor, scale: float) -> torch.Tensor:
    """Upcast first, then divide: the small values only exist in fp32."""
    return grad16.float() / scale


def run(seed: int = 0, unscale_fn=unscale) -> list:
    g = torch.Generator().manual_seed(seed)
    n = 20_000
    x = torch.rand(n, generator=g, dtype=torch.float64) + 1  # (n,) inputs in [1, 2)
    a = 10 ** (torch.rand(n, generator=g, dtype=torch.float64) * 5 - 9)  # (n,) upstream gradients, 1e-9 .. 1e-4
    w = torch.randn(n, generator=g, dtype=torch.float64)
    x16 = x.half().double()

    # no scaling: the true gradient a * x; fp16 rounds everything below 2^-25 (half the smallest subnormal) to 0
    plain = fp16_grad(w, x, a).double()
    expected_zero = ((a.half().double() * x16) < 2.0**-25).double().mean()

    scale = 2.0**16
    scaled16 = fp16_grad(w, x, a * scale)
    exact = (a * scale).half().double() * x16 / scale  # float64 product of the same fp16 inputs, unscaled
    rescued = unscale_fn(scaled16, scale).double()
    rel = (rescued - exact).abs() / exact
    overflow = fp16_grad(w, x, a * 2.0**30)  # up to 1e-4 * 2 * 2^30 ≈ 2e5 > 65504
    return [
        check("zero_fraction_without_scaling", expected_zero, (plain == 0).double().mean(), abs_tol=0),
        check_at_most("zero_fraction_with_scale_2_16", 0.0, (rescued == 0).double().mean()),
        check_true("scaled_grads_are_normal_fp16", (scaled16.abs() >= torch.finfo(torch.float16).smallest_normal).all()),
        # round-to-nearest in fp16 (11 significant bits) costs at most 2^-11 relative; unscaling by 2^16 is exact
        check_at_most("max_rel_error_with_scale_2_16", 2**-11, rel.max()),
        check_true("scale_2_30_overflows_to_inf", overflow.isinf().any()),
    ]


if __name__ == "__main__":
    main(run)
