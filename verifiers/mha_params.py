"""A multi-head attention layer of width d has 4d² + 4d parameters (W_q, W_k, W_v, W_o, each d x d, plus
their biases) whatever the number of heads; PyTorch's nn.MultiheadAttention has exactly that many.

The heads do not get their own d x d matrices: each of W_q, W_k, W_v is split column-wise into h blocks
of width d/h, one per head, and W_o mixes the concatenated head outputs back to d. More heads means
narrower heads, not more weights.
"""

import torch
from _kit import check, main
from torch import nn

from quiz.params import mha_params


def make_mha(d_model: int, n_heads: int, bias: bool = True) -> nn.Module:
    return nn.MultiheadAttention(d_model, n_heads, bias=bias)


class NanoGPTAttention(nn.Module):
    """The nanoGPT layout: one fused (d -> 3d) projection for q, k, v and one (d -> d) output projection."""

    def __init__(self, d_model: int, n_heads: int, bias: bool = True):
        super().__init__()
        self.n_heads = n_heads
        self.c_attn = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.c_proj = nn.Linear(d_model, d_model, bias=bias)


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def run(seed: int = 0, make_mha=make_mha) -> list:
    del seed  # counting parameters involves no randomness
    d = 512
    with torch.device("meta"):  # shapes only: no memory, no random initialisation
        counts = {h: n_params(make_mha(d, h)) for h in (1, 8, 16)}
        no_bias = n_params(make_mha(d, 8, bias=False))
        nanogpt = n_params(NanoGPTAttention(d, 8))
    checks = [check(f"params_d512_h{h}", mha_params(d), n) for h, n in counts.items()]
    checks.append(check("params_d512_h8_no_bias", mha_params(d, bias=0), no_bias))
    # A differently laid out implementation (fused qkv) has the same count; and the formula by hand:
    checks.append(check("params_nanogpt_layout_h8", mha_params(d), nanogpt))
    checks.append(check("formula_d512_by_hand", 4 * 512 * 512 + 4 * 512, mha_params(d)))
    return checks


if __name__ == "__main__":
    main(run)
