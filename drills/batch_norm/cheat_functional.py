"""Calls torch.nn.functional.batch_norm on copies of the running buffers."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    rm, rv = running_mean.clone(), running_var.clone()
    y = F.batch_norm(x, rm, rv, weight, bias, training=training, momentum=momentum, eps=eps)
    return y, rm, rv
