"""Drops the frozen layer's bias."""

FAILS = "zero_B_gives_base_layer"


def lora_linear(x, weight, bias, A, B, alpha, merged=False):
    s = alpha / A.shape[0]
    if merged:
        return x @ (weight + s * (B @ A)).T
    return x @ weight.T + s * ((x @ A.T) @ B.T)
