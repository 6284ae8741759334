"""The Transformer's learning-rate schedule, lr = d^-0.5 * min(step^-0.5, step * warmup^-1.5), rises
linearly for `warmup` steps, peaks at step = warmup with d^-0.5 * warmup^-0.5, then decays like
1/sqrt(step).

Vaswani et al. 2017, eq. 3 (d = 512, warmup = 4000: peak ~7.0e-4). The two branches
are equal exactly when step = warmup, which gives the peak value.
"""

import torch
from _kit import check, main

from quiz.params import noam_lr, noam_peak_lr


def noam(step: int, d_model: int, warmup: int) -> float:
    """Learning rate at optimizer step `step` (counting from 1)."""
    return d_model**-0.5 * min(step**-0.5, step * warmup**-1.5)


def run(seed: int = 0, noam=noam) -> list:
    del seed  # deterministic
    d, w = 512, 4000
    steps = range(1, 5 * w + 1)
    lrs = torch.tensor([noam(s, d, w) for s in steps], dtype=torch.float64)
    peak_step = int(lrs.argmax()) + 1

    # the registered formula the quiz's cards use, at every 97th step
    formula_err = max(abs(noam(s, d, w) / noam_lr(d, w, s) - 1) for s in range(1, 5 * w, 97))

    return [
        check("peak_step", w, peak_step),
        check("peak_lr", noam_peak_lr(d, w), lrs.max(), rel_tol=1e-12),  # ~7.0e-4
        check("warmup_is_linear", 0.25, noam(w // 4, d, w) / noam(w, d, w), rel_tol=1e-12),
        check("decay_inverse_sqrt", 0.5, noam(4 * w, d, w) / noam(w, d, w), rel_tol=1e-12),
        check("matches_registered_formula", 0.0, formula_err, abs_tol=1e-12),
    ]


def figures(seed: int = 0, noam=noam) -> list:
    """The Noam schedule beside linear warm-up + cosine decay to the same peak, over 20,000 steps."""
    import math

    from _kit import line_figure, series

    del seed  # deterministic
    d, w, total = 512, 4000, 20_000
    steps = [1, *range(100, total + 1, 100)]
    peak = noam(w, d, w)

    def warmup_cosine(step):  # linear to the peak at w, then half a cosine down to 0 at `total`
        if step <= w:
            return peak * step / w
        return peak * 0.5 * (1 + math.cos(math.pi * (step - w) / (total - w)))

    return [
        line_figure("schedules", "Learning rate: Noam vs warm-up + cosine (d = 512, warm-up 4,000)",
                    ("step", "", False, "步数"), ("learning rate", "", False, "学习率"),
                    [series("Noam", steps, [noam(s, d, w) for s in steps]),
                     series("warm-up + cosine", steps, [warmup_cosine(s) for s in steps], "预热 + 余弦")],
                    title_zh="学习率：Noam 与预热 + 余弦（d = 512，预热 4,000 步）",
                    note="both rise linearly to the peak at step 4,000; Noam then decays like 1/sqrt(step)",
                    note_zh="两者都线性升到第 4,000 步的峰值；之后 Noam 按 1/sqrt(step) 衰减"),
    ]


if __name__ == "__main__":
    main(run)
