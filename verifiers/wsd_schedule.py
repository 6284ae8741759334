"""A warmup-stable-decay (WSD) schedule rises linearly to the peak, holds it flat for most of training and
decays (here linearly) to 0 only in the final phase, so any checkpoint from the stable phase can be
branched and cooled down. With 1,000 warmup, 8,000 stable and 1,000 decay steps it is at half the peak at
steps 500 and 9,500 and at three quarters at 9,250 (cosine decay would give 0.854 there), and its average
learning rate over the run is 0.9 of the peak versus 0.5 for warmup + cosine to 0.

Hu et al. 2024, "MiniCPM: Unveiling the Potential of Small Language Models with Scalable Training
Strategies", Sec. 4 (WSD); Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed
Training Durations" (cooldown of 10-20% matches cosine).
"""

import math

import torch
from _kit import check, main

from quiz.params_context_moe_eval import wsd_lr


def run(seed: int = 0, lr_fn=wsd_lr) -> list:
    del seed  # deterministic
    peak, W, S, D = 3e-4, 1000, 8000, 1000
    total = W + S + D
    lrs = torch.tensor([lr_fn(peak, W, S, D, t) for t in range(total + 1)], dtype=torch.float64)
    # warmup + cosine to 0 over the same run, for contrast
    cos = torch.tensor([peak * t / W if t < W else peak * 0.5 * (1 + math.cos(math.pi * (t - W) / (S + D)))
                        for t in range(total + 1)], dtype=torch.float64)  # fmt: skip
    # closed-form mean over steps 0..total: warmup sum (W - 1) / 2, stable S, decay sum (D + 1) / 2 (incl. the 0)
    mean_closed = peak * ((W - 1) / 2 + S + (D + 1) / 2) / (total + 1)
    return [
        check("warmup_midpoint", peak / 2, lrs[W // 2], rel_tol=1e-12),
        check("stable_is_flat", 0.0, (lrs[W : W + S] - peak).abs().max(), abs_tol=0),
        check("decay_quarter", 0.75 * peak, lrs[W + S + D // 4], rel_tol=1e-12),
        check("decay_midpoint", peak / 2, lrs[W + S + D // 2], rel_tol=1e-12),
        check("ends_at_zero", 0.0, lrs[-1], abs_tol=1e-15),
        check("mean_lr_over_peak", mean_closed / peak, lrs.mean() / peak, rel_tol=1e-9),
        check("cosine_mean_over_peak", (W / 2 + (S + D) / 2) / total, cos.mean() / peak, rel_tol=2e-3),
    ]


if __name__ == "__main__":
    main(run)
