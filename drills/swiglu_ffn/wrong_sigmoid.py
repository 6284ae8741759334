"""Uses sigmoid(gate) instead of silu(gate) = gate * sigmoid(gate): that is GLU, not SwiGLU."""

import torch

FAILS = "zero_gate_closes_unit"


def swiglu_ffn(x, w1, w2, w3):
    return (torch.sigmoid(x @ w1.T) * (x @ w3.T)) @ w2.T
