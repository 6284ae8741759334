"""Uses GELU (GeGLU) instead of SiLU on the gate."""

import torch.nn.functional as F

FAILS = "activation_is_silu"


def swiglu_ffn(x, w1, w2, w3):
    return (F.gelu(x @ w1.T) * (x @ w3.T)) @ w2.T
