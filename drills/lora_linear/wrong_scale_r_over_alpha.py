"""Inverts the scale: r / alpha instead of alpha / r."""

FAILS = "scaling_is_alpha_over_r"


def lora_linear(x, weight, bias, A, B, alpha, merged=False):
    s = A.shape[0] / alpha
    if merged:
        return x @ (weight + s * (B @ A)).T + bias
    return x @ weight.T + bias + s * ((x @ A.T) @ B.T)
