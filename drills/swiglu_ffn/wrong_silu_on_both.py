"""Applies silu to both branches."""

import torch.nn.functional as F

FAILS = "silu_on_gate_only"


def swiglu_ffn(x, w1, w2, w3):
    return (F.silu(x @ w1.T) * F.silu(x @ w3.T)) @ w2.T
