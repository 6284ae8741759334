"""Merges by adding into the frozen weight in place, so every later call (and the base model) changes."""

FAILS = "inputs_not_modified"


def lora_linear(x, weight, bias, A, B, alpha, merged=False):
    s = alpha / A.shape[0]
    if merged:
        weight += s * (B @ A)
        return x @ weight.T + bias
    return x @ weight.T + bias + s * ((x @ A.T) @ B.T)
