"""Sandwich-LN (CogView, Ding et al. 2021) is Pre-LN with one more LayerNorm on the sublayer's
output, x + LN(F(LN(x))): the shape is unchanged and what each branch adds to the stream has rms 1
however large F's weights grow, whereas a Pre-LN branch grows in proportion to them.

CogView added the output LayerNorm to stop value explosions in deep FP16 training: with
it, each block adds at most sqrt(d) (times the LN gain) to a token's norm, so after L
blocks the stream is bounded by |x_0| + L*sqrt(d) whatever the weights do.
"""

import math

import torch
import torch.nn.functional as F
from _kit import check, check_at_most, main


def ln(x: torch.Tensor) -> torch.Tensor:
    return F.layer_norm(x, x.shape[-1:])  # gain 1, bias 0, as at initialization


def ffn(x, w1, w2):
    return F.relu(x @ w1) @ w2  # (B, T, D)


def sandwich_block(x, w1, w2):
    return x + ln(ffn(ln(x), w1, w2))  # LN before and after the sublayer


def pre_ln_block(x, w1, w2):
    return x + ffn(ln(x), w1, w2)  # LN before only


def run(seed: int = 0, block=sandwich_block) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, D, L = 2, 8, 32, 12
    x = torch.randn(B, T, D, generator=g, dtype=torch.float64)  # (B, T, D)
    w1 = torch.randn(D, 4 * D, generator=g, dtype=torch.float64) / math.sqrt(D)
    w2 = torch.randn(4 * D, D, generator=g, dtype=torch.float64) / math.sqrt(4 * D)
    big = 100.0  # weights that have blown up during training

    y = block(x, w1, w2)
    branch = y - x  # what the block adds to the stream, (B, T, D)
    branch_big = block(x, w1, big * w2) - x
    rms = branch.pow(2).mean(dim=-1).sqrt()  # (B, T) per token
    rms_big = branch_big.pow(2).mean(dim=-1).sqrt()

    # reference: the Pre-LN branch is linear in w2, so its size grows exactly 100x
    pre = pre_ln_block(x, w1, w2) - x
    pre_big = pre_ln_block(x, w1, big * w2) - x
    pre_ratio = pre_big.norm() / pre.norm()

    # a stack of L blocks, every one with the blown-up weights: triangle inequality bound per token
    h = x
    for _ in range(L):
        h = block(h, w1, big * w2)
    bound = x.norm(dim=-1).max() + L * math.sqrt(D)
    return [
        # LN output has rms sqrt(var / (var + eps)): 1 to ~1e-5 for these sizes
        check("branch_rms", 1.0, rms.mean(), abs_tol=1e-4),
        check("branch_rms_big_weights", 1.0, rms_big.mean(), abs_tol=1e-4),
        # only LN's eps sees the scale: |diff| ~ |y| * eps / (2 var(F)) ~ 1e-4 at most here
        check("branch_ignores_weight_scale", 0.0, (branch_big - branch).abs().max(), abs_tol=1e-3),
        check("pre_ln_branch_grows", big, pre_ratio, rel_tol=1e-9),  # float64, exact linearity
        check_at_most("stream_norm_bounded", bound, h.norm(dim=-1).max(), note=f"|x0| + {L}*sqrt(d)"),
    ]


if __name__ == "__main__":
    main(run)
