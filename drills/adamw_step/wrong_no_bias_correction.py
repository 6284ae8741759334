"""Skips the bias correction: uses m and v directly, so the first steps are far too small or too large."""

FAILS = "bias_correction"


def adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    p = param * (1 - lr * weight_decay)
    m = beta1 * exp_avg + (1 - beta1) * grad
    v = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    return p - lr * m / (v.sqrt() + eps), m, v
