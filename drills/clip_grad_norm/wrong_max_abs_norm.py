"""Uses the largest absolute entry (the infinity norm) as the total norm."""

FAILS = "norm_after_clipping_is_max"


def clip_grad_norm(grads, max_norm):
    total = max(float(g.abs().max()) for g in grads)
    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads]
