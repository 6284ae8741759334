"""Puts eps inside the square root: sqrt(v_hat + eps) instead of sqrt(v_hat) + eps."""

FAILS = "eps_outside_sqrt"


def adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    p = param * (1 - lr * weight_decay)
    m = beta1 * exp_avg + (1 - beta1) * grad
    v = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    p = p - lr * (m / (1 - beta1**step)) / (v / (1 - beta2**step) + eps).sqrt()
    return p, m, v
