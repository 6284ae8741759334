"""Adds eps to the standard deviation instead of the variance: (x - mean) / (std + eps)."""

FAILS = "eps_inside_sqrt"


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    std = x.std(dim=-1, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps) * weight + bias
