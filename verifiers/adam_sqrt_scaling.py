"""When the batch grows k times, SGD keeps the same trajectory if the learning rate grows k times (linear
rule), but an Adam-style update in the noise-dominated regime needs the learning rate to grow only sqrt(k)
times (square-root rule, Malladi et al. 2022): with k = 4, one step on the union of the batches then matches
the mean and the variance of four small steps, and the linear rule overshoots the mean by sqrt(4) = 2.

Why: a batch-B gradient is mu + noise of std sigma/sqrt(B). SGD moves by lr*g, so k steps drift k*lr*mu
with variance k*lr^2*sigma^2/B; one step of lr' on batch kB drifts lr'*mu with variance
lr'^2*sigma^2/(kB): both match at lr' = k*lr. Adam divides by sqrt(v) ~ sigma/sqrt(B) when noise dominates
(mu^2 << sigma^2/B), so each step is about lr*(sqrt(B)*mu/sigma + unit noise): k steps drift
k*lr*sqrt(B)*mu/sigma with variance k*lr^2, one big step lr'*sqrt(kB)*mu/sigma with variance lr'^2: both
match at lr' = sqrt(k)*lr. Here Adam has beta1 = 0 (RMSprop), v starts at the true second moment of the
gradient, and 1 - beta2 is scaled by k as in Malladi et al. 2022, "On the SDEs and Scaling Rules for
Adaptive Gradient Algorithms" (their square-root scaling rule). The big batch is the union of the small ones (shared noise),
so the ratios are measured with little Monte-Carlo error.
"""

import math

import torch
from _kit import check, check_at_most, main

K = 4  # batch grows K times
LR, H = 1e-3, 1.0  # learning rate, curvature of the quadratic loss H*theta^2/2
NOISE = 1.0  # std of one small batch's gradient noise, sigma/sqrt(B)
MU0 = 0.05  # mean gradient at the start: signal-to-noise 0.05, noise dominated
BETA2 = 0.999


def sqrt_rule(lr: float, k: int) -> float:
    """Adam: batch x k -> learning rate x sqrt(k)."""
    return lr * math.sqrt(k)


def linear_rule(lr: float, k: int) -> float:
    """SGD: batch x k -> learning rate x k (Goyal et al. 2017)."""
    return lr * k


def sgd_step(theta, g, v, lr, beta2):
    return theta - lr * g, v


def adam_step(theta, g, v, lr, beta2):
    """Adam with beta1 = 0 (RMSprop): v tracks E[g^2], the step is lr * g / sqrt(v)."""
    v = beta2 * v + (1 - beta2) * g * g
    return theta - lr * g / v.sqrt(), v


def small_and_big(step, lr_big, beta2_big, xi, noise_scale=NOISE):
    """Displacements after K small-batch steps and after one step on their union. xi: (K, N) unit noise."""
    theta0 = torch.full(xi.shape[1:], MU0 / H, dtype=torch.float64)  # (N,) so the mean gradient is MU0
    theta, v = theta0.clone(), torch.full_like(theta0, MU0**2 + noise_scale**2)  # v at E[g^2], batch B
    for j in range(K):
        g = H * theta + noise_scale * xi[j]  # (N,) batch-B gradient
        theta, v = step(theta, g, v, LR, BETA2)
    g_big = H * theta0 + noise_scale * xi.mean(0)  # union of the K batches: noise std / sqrt(K)
    v_big = torch.full_like(theta0, MU0**2 + noise_scale**2 / K)
    big, _ = step(theta0, g_big, v_big, lr_big, beta2_big)
    return theta - theta0, big - theta0


def ratios(small, big):
    """(mean of big / mean of small, variance of big / variance of small) over the N trials."""
    return (big.mean() / small.mean()).item(), (big.var() / small.var()).item()


def run(seed: int = 0, adam_lr=sqrt_rule) -> list:
    g = torch.Generator().manual_seed(seed)
    xi = torch.randn(K, 1 << 14, generator=g, dtype=torch.float64)  # (K, N): the same noise for both runs
    beta2_big = 1 - K * (1 - BETA2)

    sgd_mean, sgd_var = ratios(*small_and_big(sgd_step, linear_rule(LR, K), beta2_big, xi))
    adam_mean, adam_var = ratios(*small_and_big(adam_step, adam_lr(LR, K), beta2_big, xi))
    lin_mean, lin_var = ratios(*small_and_big(adam_step, linear_rule(LR, K), beta2_big, xi))
    # the rule is a noise-dominated approximation: at MU0/NOISE = 0.05 the normaliser ratio is
    # sqrt((MU0^2 + NOISE^2) / (MU0^2 + NOISE^2/K)) = 1.9925 instead of 2, so the means agree to 0.4%
    return [
        check("sgd_linear_rule_mean_ratio", 1.0, sgd_mean, rel_tol=0.02),
        check("sgd_linear_rule_var_ratio", 1.0, sgd_var, rel_tol=0.02),
        check("adam_rule_mean_ratio", 1.0, adam_mean, rel_tol=0.02),
        check("adam_rule_var_ratio", 1.0, adam_var, rel_tol=0.02),
        check("adam_linear_rule_mean_ratio", math.sqrt(K), lin_mean, rel_tol=0.02, note="linear overshoots"),
        check("adam_linear_rule_var_ratio", K, lin_var, rel_tol=0.02),
        check_at_most("signal_to_noise", 0.1, MU0 / NOISE, note="the regime the rule is derived for"),
    ]


if __name__ == "__main__":
    main(run)
