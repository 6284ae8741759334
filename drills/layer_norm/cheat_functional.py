"""Calls torch.nn.functional.layer_norm."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def layer_norm(x, weight, bias, eps=1e-5):
    return F.layer_norm(x, x.shape[-1:], weight, bias, eps)
