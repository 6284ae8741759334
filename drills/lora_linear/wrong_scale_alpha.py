"""Scales the adapter by alpha alone, forgetting to divide by the rank."""

FAILS = "scaling_is_alpha_over_r"


def lora_linear(x, weight, bias, A, B, alpha, merged=False):
    if merged:
        return x @ (weight + alpha * (B @ A)).T + bias
    return x @ weight.T + bias + alpha * ((x @ A.T) @ B.T)
