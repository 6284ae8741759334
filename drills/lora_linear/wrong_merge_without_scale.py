"""Merges W + B·A without the alpha / r scale, so the merged layer differs from the unmerged one."""

FAILS = "merged_equals_unmerged"


def lora_linear(x, weight, bias, A, B, alpha, merged=False):
    if merged:
        return x @ (weight + B @ A).T + bias
    return x @ weight.T + bias + alpha / A.shape[0] * ((x @ A.T) @ B.T)
