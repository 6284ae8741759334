"""A task that needs 5 independent sub-steps all to succeed has success rate p^5: sub-steps improving
smoothly from 40% to 60% move the whole task from 1.0% to 7.8%, a 7.6x jump from a 1.5x improvement.

This is one explanation offered for "emergent" abilities: an all-or-nothing metric over several steps
turns smooth progress into a sudden-looking curve (Schaeffer et al. 2023 make the metric argument). The
numbers are 0.4^5 = 0.01024 and 0.6^5 = 0.07776 (a figure of 1.1% and 7% that circulates is slightly off).
"""

import torch
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import chain_success


def run(seed: int = 0, success=chain_success) -> list:
    g = torch.Generator().manual_seed(seed)
    n = 400_000  # simulated attempts at the whole task
    checks = []
    by_hand = {0.4: 0.01024, 0.6: 0.07776}  # 0.4^5 and 0.6^5, multiplied out on paper
    for p in (0.4, 0.6):
        # Monte Carlo: 5 independent sub-steps per attempt, the attempt counts only if all 5 succeed.
        steps = torch.rand(n, 5, generator=g) < p  # (n, 5)
        simulated = steps.all(dim=1).double().mean()
        q = by_hand[p]
        se = (q * (1 - q) / n) ** 0.5  # binomial standard error: 1.6e-4 and 4.2e-4
        pct = int(p * 100)
        formula = success(p_step=p, steps=5)
        checks.append(check(f"task_success_{pct}", expected=q, measured=formula, rel_tol=1e-12))
        checks.append(check(f"simulated_{pct}", expected=formula, measured=simulated, abs_tol=5 * se))
    checks.append(check("jump_factor", expected=7.59375,  # 1.5^5 by hand: (0.6/0.4)^5
                        measured=success(p_step=0.6, steps=5) / success(p_step=0.4, steps=5), rel_tol=1e-12))
    return checks


def figures(seed: int = 0, success=chain_success) -> list:
    """Whole-task success p^k against per-step success p, for tasks of 1, 2, 5 and 10 steps."""
    from _kit import line_figure, series

    del seed  # deterministic
    ps = [i / 50 for i in range(51)]
    return [
        line_figure("success_vs_step", "Task success when all k sub-steps must succeed",
                    ("per-step success p", "", False, "每步成功率 p"), ("task success", "", False, "任务成功率"),
                    [series(f"k = {k}", ps, [success(p_step=p, steps=k) for p in ps]) for k in (1, 2, 5, 10)],
                    title_zh="所有 k 个子步骤都要成功时的任务成功率",
                    note=f"k = 5: p from 0.4 to 0.6 moves the task from {success(p_step=0.4, steps=5):.4f} to "
                    f"{success(p_step=0.6, steps=5):.4f}",
                    note_zh=f"k = 5：p 从 0.4 到 0.6，任务从 {success(p_step=0.4, steps=5):.4f} 升到 "
                    f"{success(p_step=0.6, steps=5):.4f}"),
    ]


if __name__ == "__main__":
    main(run)
