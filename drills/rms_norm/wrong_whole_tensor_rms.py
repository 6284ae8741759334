"""Takes one rms over the whole tensor instead of one per vector."""

import torch

FAILS = "normalises_last_dim"


def rms_norm(x, weight, eps=1e-6):
    return x / torch.sqrt(x.pow(2).mean() + eps) * weight
