"""Adam's first update moves every parameter by about lr whatever the size of its gradient, and on
pure noise its early steps are about 4x larger than its steady-state steps; a learning-rate warm-up
shrinks exactly these first steps.

At step 1 the bias-corrected moments are m_hat = g and v_hat = g^2, so the update is
lr * g / (|g| + eps) = lr * sign(g). Later, m_hat averages noisy gradients and the
update shrinks to about sqrt((1 - beta1) / (1 + beta1)) = 0.23 of lr for pure noise.
Liu et al. 2020 (RAdam) trace the need for warm-up to this high-variance start; Xiong et
al. 2020 argue that Post-LN Transformers, with large gradients near the output at
initialization, need the warm-up most, while Pre-LN can often train without it.
"""

import math

import torch
from _kit import check, main
from torch.optim.adam import adam as torch_adam  # functional form of torch.optim.Adam

from quiz.params import linear_warmup_lr

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def adam_step(p, grad, m, v, t: int, lr: float):
    """One Adam step (Kingma & Ba 2015, Algorithm 1) at step t >= 1. Returns new p, m, v."""
    m = BETA1 * m + (1 - BETA1) * grad
    v = BETA2 * v + (1 - BETA2) * grad * grad
    m_hat = m / (1 - BETA1**t)  # bias correction: m and v start at 0
    v_hat = v / (1 - BETA2**t)
    return p - lr * m_hat / (v_hat.sqrt() + EPS), m, v


def first_update(grad: torch.Tensor, lr: float, adam_step) -> torch.Tensor:
    p = torch.zeros_like(grad)
    new_p, _, _ = adam_step(p, grad, torch.zeros_like(grad), torch.zeros_like(grad), 1, lr)
    return (new_p - p).abs()  # |delta theta| per parameter


def run(seed: int = 0, adam_step=adam_step) -> list:
    g = torch.Generator().manual_seed(seed)
    n, lr = 4000, 1e-3
    # gradient magnitudes in [0.5, 1.5) times a scale, random signs: away from 0 so eps is negligible
    sign = torch.randint(0, 2, (n,), generator=g, dtype=torch.float64) * 2 - 1
    shape = sign * (torch.rand(n, generator=g, dtype=torch.float64) + 0.5)
    tiny, huge = first_update(1e-3 * shape, lr, adam_step), first_update(1e3 * shape, lr, adam_step)

    # against torch's own Adam over 20 steps of random gradients
    p = torch.randn(n, generator=g, dtype=torch.float64)
    m, v = torch.zeros(n, dtype=torch.float64), torch.zeros(n, dtype=torch.float64)
    p_ref, m_ref, v_ref = p.clone(), m.clone(), v.clone()
    step_ref = torch.tensor(0.0, dtype=torch.float64)
    for t in range(1, 21):
        grad = torch.randn(n, generator=g, dtype=torch.float64)
        p, m, v = adam_step(p, grad, m, v, t, lr)
        torch_adam([p_ref], [grad], [m_ref], [v_ref], [], [step_ref], foreach=False, amsgrad=False,
                   beta1=BETA1, beta2=BETA2, lr=lr, weight_decay=0.0, eps=EPS, maximize=False)

    # pure noise: update rms at step 1 vs after 300 steps (m forgets its start, 0.9^300 ~ 2e-14)
    p0, m0, v0 = (torch.zeros(n, dtype=torch.float64) for _ in range(3))
    rms = []
    for t in range(1, 301):
        new_p, m0, v0 = adam_step(p0, torch.randn(n, generator=g, dtype=torch.float64), m0, v0, t, lr)
        rms.append(((new_p - p0) / lr).pow(2).mean().sqrt())
        p0 = new_p
    steady = math.sqrt((1 - BETA1) / (1 + BETA1))  # std of an EMA of unit white noise, v_hat ~ 1

    # eps changes a step by a relative eps/|g| <= 2e-5 for the tiny gradients
    return [
        check("first_step_tiny_grad", lr, tiny.mean(), rel_tol=1e-4, note="gradients ~1e-3"),
        check("first_step_huge_grad", lr, huge.mean(), rel_tol=1e-4, note="gradients ~1e3"),
        # float64, same update in a different order of operations (measured <= 4.4e-16); a wrong step is off by ~lr
        check("matches_torch_adam", 0.0, (p - p_ref).abs().max(), abs_tol=1e-12),
        check("noise_step1_rms", 1.0, rms[0], rel_tol=1e-4, note="in units of lr"),
        # statistical: rms over 4000 coordinates, SE ~1%; v_hat's own noise adds ~0.3%
        check("noise_steady_rms", steady, rms[-1], rel_tol=0.05, note="step 300, in units of lr"),
        # the card formula against lr at steps 1, 50, 100, 250 of a 100-step warm-up, by hand
        check("warmup_lr_by_hand", 0.0, max(abs(linear_warmup_lr(lr, 100, t) - want) / want
                                            for t, want in ((1, 1e-5), (50, 5e-4), (100, 1e-3), (250, 1e-3))),
              abs_tol=1e-12),
        check("warmup_first_step", lr / 100,
              first_update(shape, linear_warmup_lr(lr, 100, 1), adam_step).mean(), rel_tol=1e-6,
              note="linear warm-up over 100 steps: lr/100"),
    ]


def figures(seed: int = 0, adam_step=adam_step) -> list:
    """Adam's step size on pure-noise gradients over 300 steps, with a constant lr and with 100 warm-up steps."""
    from _kit import line_figure, series

    g = torch.Generator().manual_seed(seed)
    n, lr, warm = 2000, 1e-3, 100
    curves = {}
    for name, warmup in (("constant lr", False), ("linear warm-up 100", True)):
        p, m, v = (torch.zeros(n, dtype=torch.float64) for _ in range(3))
        rms = []
        for t in range(1, 301):
            lr_t = linear_warmup_lr(lr, warm, t) if warmup else lr
            new_p, m, v = adam_step(p, torch.randn(n, generator=g, dtype=torch.float64), m, v, t, lr_t)
            rms.append(((new_p - p) / lr).pow(2).mean().sqrt().item())
            p = new_p
        curves[name] = rms
    steps = list(range(1, 301))
    return [
        line_figure("step_rms", "Adam update rms on noise gradients, in units of lr", ("step", "", True, "步数"),
                    ("update rms / lr", "", False, "更新 rms / lr"),
                    [series("constant lr", steps, curves["constant lr"], "恒定 lr"),
                     series("linear warm-up 100", steps, curves["linear warm-up 100"], "线性预热 100 步")],
                    title_zh="噪声梯度下 Adam 更新的 rms（以 lr 为单位）",
                    note=f"constant lr: step 1 is {curves['constant lr'][0]:.2f}, step 300 is "
                    f"{curves['constant lr'][-1]:.2f}; the warm-up removes the large first steps",
                    note_zh=f"恒定 lr：第 1 步 {curves['constant lr'][0]:.2f}，第 300 步 "
                    f"{curves['constant lr'][-1]:.2f}；预热去掉了最初的大步"),
    ]


if __name__ == "__main__":
    main(run)
