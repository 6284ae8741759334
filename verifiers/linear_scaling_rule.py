"""Linear scaling rule (Goyal et al. 2017): when the minibatch grows k times, multiply the learning
rate by k; then one large-batch SGD step nearly equals k small-batch steps, and the difference is
second order in the learning rate.

k steps with lr on batches B_1..B_k move theta by -lr * sum_j grad_j(theta_j); one step
with lr' on their union moves it by -lr'/k * sum_j grad_j(theta_0). These agree to first
order exactly when lr' = k * lr; they differ only because theta_j drifts from theta_0,
an O(lr^2) effect. Goyal et al.: ResNet-50, lr 0.1 per 256 images -> 3.2 at 8192. The
rule breaks down early in training (hence their warm-up) and at very large batches.
"""

import torch
from _kit import check, check_at_most, main

from quiz.params import linear_scaled_lr

K, N = 8, 16  # k small batches of N examples


def loss_fn(w, x, y):
    """A small tanh MLP with squared error; w = (W1 (10, 32), W2 (32, 1))."""
    return ((torch.tanh(x @ w[0]) @ w[1] - y) ** 2).mean()


def grad(w, x, y):
    return torch.autograd.grad(loss_fn(w, x, y), w)


def sgd(w, g, lr):
    return [(p - lr * gp).detach().requires_grad_() for p, gp in zip(w, g, strict=True)]


def flat(w):
    return torch.cat([p.detach().reshape(-1) for p in w])


def small_vs_large(w0, xs, ys, lr, scaled_lr):
    """Return (theta after k small steps, after one scaled large step, after one unscaled large step)."""
    w = w0
    for x, y in zip(xs, ys, strict=True):  # k sequential steps with batch size N
        w = sgd(w, grad(w, x, y), lr)
    g_big = grad(w0, torch.cat(xs), torch.cat(ys))  # one batch of size k*N
    big = sgd(w0, g_big, scaled_lr(lr, N, K * N))
    plain = sgd(w0, g_big, lr)
    return flat(w), flat(big), flat(plain)


def run(seed: int = 0, scaled_lr=linear_scaled_lr) -> list:
    g = torch.Generator().manual_seed(seed)
    w0 = [(torch.randn(10, 32, generator=g, dtype=torch.float64) / 10**0.5).requires_grad_(),
          (torch.randn(32, 1, generator=g, dtype=torch.float64) / 32**0.5).requires_grad_()]
    xs = [torch.randn(N, 10, generator=g, dtype=torch.float64) for _ in range(K)]  # K batches of (N, 10)
    ys = [torch.sin(x.sum(-1, keepdim=True)) for x in xs]  # (N, 1) each: a target the MLP has not learned yet
    theta0 = flat(w0)

    lr = 1e-3
    small, big, plain = small_vs_large(w0, xs, ys, lr, scaled_lr)
    small_h, big_h, _ = small_vs_large(w0, xs, ys, lr / 2, scaled_lr)
    moved = (small - theta0).norm()
    gap, gap_half = (big - small).norm(), (big_h - small_h).norm()

    # over seeds 0-29: relative gap 0.011-0.024, gap ratio 3.97-3.99, unscaled ratio 0.126-0.128
    return [
        check("goyal_resnet50_lr", 3.2, scaled_lr(0.1, 256, 8192), rel_tol=1e-12),  # 0.1 * 8192/256
        check_at_most("big_step_matches_k_steps", 0.05, gap / moved, note="relative gap at lr 1e-3"),
        check("gap_is_second_order", 4.0, gap / gap_half, rel_tol=0.05, note="halving lr quarters the gap"),
        check("unscaled_moves_1_over_k", 1 / K, (plain - theta0).norm() / moved, rel_tol=0.05),
    ]


if __name__ == "__main__":
    main(run)
