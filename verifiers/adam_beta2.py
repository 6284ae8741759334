"""Adam's update m_hat / sqrt(v_hat) is about 1 per coordinate when gradients are steady. If the gradient
suddenly grows 10x after a long quiet phase, beta2 = 0.999 keeps the stale small second moment for hundreds
of steps and the update grows to about 5.2x its usual size, while beta2 = 0.95 (GPT-3, LLaMA) keeps it
under 1.2 (peak 1.11). The second-moment EMA forgets half its memory in ln 0.5 / ln beta2 steps:
13.5 for 0.95, 693 for 0.999.

Kingma & Ba 2015, "Adam", Algorithm 1; Brown et al. 2020 (GPT-3), Appendix B (beta2 = 0.95); Touvron et al.
2023 (LLaMA), Sec. 2.3 (beta1 = 0.9, beta2 = 0.95). Expected values use the closed forms
m_t = 10 - 9 beta1^t and v_t = 100 - 99 beta2^t (steady gradient 1 for a long time, then 10).
"""

import math

import torch
from _kit import check, check_at_most, main

from quiz.params_context_moe_eval import adam_half_life


def adam_updates(grads: torch.Tensor, beta1: float, beta2: float, eps: float = 1e-12) -> torch.Tensor:
    """(T,) scalar gradients -> (T,) Adam updates m_hat / (sqrt(v_hat) + eps), with bias correction."""
    m = v = 0.0
    out = []
    for t, g in enumerate(grads.tolist(), start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        out.append((m / (1 - beta1**t)) / (math.sqrt(v / (1 - beta2**t)) + eps))
    return torch.tensor(out, dtype=torch.float64)


def run(seed: int = 0, adam=adam_updates) -> list:
    del seed  # deterministic
    quiet, loud = 20000, 600
    grads = torch.cat([torch.ones(quiet, dtype=torch.float64), torch.full((loud,), 10.0, dtype=torch.float64)])
    t = torch.arange(1, loud + 1, dtype=torch.float64)

    def closed_peak(b2: float) -> float:  # after 20,000 steps the bias correction is 1 to 1e-9
        return float(((10 - 9 * 0.9**t) / torch.sqrt(100 - 99 * b2**t)).max())

    slow = adam(grads, 0.9, 0.999)[quiet:]
    fast = adam(grads, 0.9, 0.95)[quiet:]
    impulse = [0.999**k for k in range(2000)]  # weight of one squared gradient k steps later
    half = next(k for k, w in enumerate(impulse) if w <= 0.5)
    return [
        check("steady_update_is_1", 1.0, adam(torch.ones(50, dtype=torch.float64), 0.9, 0.999)[-1], rel_tol=1e-9),
        check("peak_update_beta2_0.999", closed_peak(0.999), slow.max(), rel_tol=1e-6, note="about 5.2"),
        check("peak_update_beta2_0.95", closed_peak(0.95), fast.max(), rel_tol=1e-6),
        check_at_most("beta2_0.95_stays_near_1", 1.2, fast.max(), note="peak about 1.11"),
        check("half_life_0.999", half, math.ceil(adam_half_life(0.999)), abs_tol=0, note="693 steps"),
        check("half_life_0.95", math.log(2) / -math.log1p(-0.05), adam_half_life(0.95), rel_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
