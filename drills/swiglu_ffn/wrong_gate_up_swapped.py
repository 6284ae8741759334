"""Puts silu on the up projection x w3ᵀ and leaves the gate x w1ᵀ linear: gate and up swapped."""

import torch.nn.functional as F

FAILS = "silu_on_gate_only"


def swiglu_ffn(x, w1, w2, w3):
    return (F.silu(x @ w3.T) * (x @ w1.T)) @ w2.T
