import torch


def swiglu_ffn(x, w1, w2, w3):
    # x: (..., d); w1, w3: (d_ff, d); w2: (d, d_ff), all in nn.Linear layout (y = x @ W.T)
    gate = x @ w1.T  # (..., d_ff) the gate branch: the only one with an activation
    up = x @ w3.T  # (..., d_ff) the up branch: linear
    h = gate * torch.sigmoid(gate) * up  # silu(gate) ⊙ up, elementwise
    return h @ w2.T  # (..., d) the down projection
