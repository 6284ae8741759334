"""Reads the rank from the wrong dimension of A (A.shape[1] is d_in, not r)."""

FAILS = "scaling_is_alpha_over_r"


def lora_linear(x, weight, bias, A, B, alpha, merged=False):
    s = alpha / A.shape[1]
    if merged:
        return x @ (weight + s * (B @ A)).T + bias
    return x @ weight.T + bias + s * ((x @ A.T) @ B.T)
