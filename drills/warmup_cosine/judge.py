"""Judge for the warm-up + cosine drill: float64 with step's shape; the ramp from 0; peak_lr exactly at
the end of warm-up; the cosine's clock starting there; half a period; min_lr at total and after it."""

import math

import torch
from _judge import (
    Case,
    check_true,
    compare,
    differs,
    same_shape_and_dtype,
    sibling,
)

reference = sibling(__file__, "reference").lr_schedule

CONFIGS = [  # (peak_lr, warmup, total, min_lr): min_lr far from 0 so a cosine to 0 shows
    (3e-4, 10, 100, 3e-5),
    (1.0, 4, 12, 0.1),
    (6e-4, 100, 1000, 6e-5),
    (0.5, 1, 9, 0.0),
]


def at(steps, cfg) -> Case:
    peak, warmup, total, min_lr = cfg
    return Case({"step": torch.as_tensor(steps, dtype=torch.int64)},
                {"peak_lr": peak, "warmup": warmup, "total": total, "min_lr": min_lr})


def run(impl, seed: int = 0) -> list:
    g = torch.Generator().manual_seed(seed)
    shaped = [at(torch.randint(0, 130, (3, 4), generator=g), CONFIGS[0]), at(torch.arange(20).reshape(2, 5, 2), CONFIGS[1]),
              at(torch.tensor([7]), CONFIGS[3])]
    warm = [at(torch.arange(0, c[1]), c) for c in CONFIGS]
    peak = [at([c[1]], c) for c in CONFIGS]
    decay = [at(torch.arange(c[1] + 1, c[2], max(1, (c[2] - c[1]) // 7)), c) for c in CONFIGS]
    mid = [at([(c[1] + c[2]) // 2], c) for c in CONFIGS if (c[1] + c[2]) % 2 == 0]
    end = [at([c[2]], c) for c in CONFIGS]
    after = [at([c[2] + 1, c[2] + (c[2] - c[1]) // 2, 3 * c[2]], c) for c in CONFIGS]
    every = [at(torch.arange(0, 2 * c[2]), c) for c in CONFIGS]
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["step"].shape), torch.float64) for c in shaped]),
        compare("warmup_is_linear_from_zero", impl, reference, warm, atol=1e-12, rtol=1e-9),
        compare("peak_at_end_of_warmup", impl, reference, peak, atol=1e-12, rtol=1e-9),
        compare("cosine_starts_after_warmup", impl, reference, decay, atol=1e-12, rtol=1e-9),
        compare("cosine_is_half_period", impl, reference, mid, atol=1e-12, rtol=1e-9),
        compare("ends_at_min_lr", impl, reference, end, atol=1e-12, rtol=1e-9),
        compare("flat_after_total", impl, reference, after, atol=1e-12, rtol=1e-9),
        compare("matches_reference", impl, reference, every + shaped, atol=1e-12, rtol=1e-9),
    ]


def informative(seed: int = 0) -> list:
    peak, warmup, total, min_lr = CONFIGS[1]
    s = torch.arange(0, 2 * total, dtype=torch.float64)
    ref = reference(s.long(), peak, warmup, total, min_lr)
    no_shift = min_lr + (peak - min_lr) * (1 + torch.cos(math.pi * (s / total).clamp(0, 1))) / 2
    no_shift = torch.where(s < warmup, peak * s / warmup, no_shift)
    return [
        differs("ignoring_warmup_in_cosine_differs", no_shift, ref, 1e-3),
        check_true("min_lr_is_not_zero", all(c[3] > 0 for c in CONFIGS[:3])),
        check_true("midpoints_are_integer_steps", sum((c[1] + c[2]) % 2 == 0 for c in CONFIGS) >= 2),
        check_true("ramp_starts_at_zero", float(ref[0]) == 0.0 and abs(float(ref[warmup]) - peak) < 1e-12),
        check_true("steps_beyond_total_checked", bool((s > total).any())),
    ]
