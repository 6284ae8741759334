"""Bias-corrects with beta**(step - 1), as if steps counted from 0: the first step divides by zero."""

FAILS = "bias_correction"


def adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    p = param * (1 - lr * weight_decay)
    m = beta1 * exp_avg + (1 - beta1) * grad
    v = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    p = p - lr * (m / (1 - beta1 ** (step - 1))) / ((v / (1 - beta2 ** (step - 1))).sqrt() + eps)
    return p, m, v
