"""Uses the unbiased variance (divide by D - 1), which LayerNorm does not."""

import torch

FAILS = "biased_variance"


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True)  # unbiased by default
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
