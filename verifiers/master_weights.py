"""Mixed-precision training keeps an fp32 master copy of the weights because small updates vanish in 16-bit
storage: an update smaller than half the spacing between representable numbers near w (for w = 1: 2^-11 in
fp16, 2^-8 in bf16) rounds back to w. A thousand SGD steps of 1e-4 on w = 1 leave fp16 and bf16 weights
exactly at 1, while the fp32 master reaches 1.1.

The optimizer step under test takes the fp16 working copy, the fp32 master and an fp16 gradient; the
reference is the same sum in float64. A second part uses random weights ~N(0, 1) and updates of ~1e-4, and
measures the fraction of weights a pure-bf16 step leaves unchanged.
"""

import torch
from _kit import check, check_at_least, main


def mixed_precision_step(w16, master32, grad16, lr):
    """Update the fp32 master with the upcast gradient, then refresh the 16-bit working copy from it."""
    master32 = master32 - lr * grad16.float()
    return master32.to(w16.dtype), master32


def run(seed: int = 0, step=mixed_precision_step) -> list:
    g = torch.Generator().manual_seed(seed)
    lr, steps = 1e-4, 1000
    checks = []
    for name, dtype in (("fp16", torch.float16), ("bf16", torch.bfloat16)):
        grad = torch.full((4,), -1.0, dtype=dtype)  # so every step adds lr to the weight
        pure = torch.ones(4, dtype=dtype)
        w16, master = torch.ones(4, dtype=dtype), torch.ones(4, dtype=torch.float32)
        for _ in range(steps):
            pure = pure - lr * grad  # 16-bit weights updated in place: the sum rounds back to 1 every time
            w16, master = step(w16, master, grad, lr)
        checks.append(check(f"{name}_only_weight_after_1000_steps", 1.0, pure.max(), abs_tol=0, note="stuck"))
        # fp32 rounds each of the 1000 additions by at most 2^-24 near 1.1: total drift <= 6e-5
        checks.append(check(f"{name}_master_weight_after_1000_steps", 1.0 + steps * lr, master.double().max(),
                            abs_tol=steps * 2.0**-24))
        # the working copy is the master rounded to 16 bits: within half a spacing of 1.1
        spacing = torch.finfo(dtype).eps * 1.0  # spacing of numbers in [1, 2)
        checks.append(check(f"{name}_working_copy_after_1000_steps", 1.0 + steps * lr, w16.double().max(),
                            abs_tol=spacing / 2))
    # random weights: a bf16 step of ~1e-4 leaves most weights with |w| > ~0.05 unchanged
    w = torch.randn(100_000, generator=g)
    upd = 1e-4 * torch.randn(100_000, generator=g)
    w_b = w.bfloat16()
    unchanged = ((w_b.float() + upd).bfloat16() == w_b).double().mean()
    # reference: an update is lost when |upd| < half the bf16 spacing at w, i.e. 2^(floor(log2|w|) - 8)
    half_spacing = 2.0 ** (torch.floor(torch.log2(w_b.float().abs())) - 8)
    predicted = (upd.abs() < half_spacing).double().mean()
    checks.append(check("bf16_random_weights_unchanged_fraction", predicted, unchanged, abs_tol=0.002))
    checks.append(check_at_least("bf16_most_updates_lost", 0.9, unchanged))
    return checks


if __name__ == "__main__":
    main(run)
