"""Calls the library's F.rms_norm."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def rms_norm(x, weight, eps=1e-6):
    return F.rms_norm(x, (x.shape[-1],), weight, eps)
