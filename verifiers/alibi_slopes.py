"""ALiBi gives head h (1-based) of n heads the slope 2^(-8h/n) when n is a power of two: a geometric
sequence starting at and shrinking by 2^(-8/n), from 1/2 down to 1/256 for 8 heads. The score of
query i for key j gets -slope * (i - j) added.

Press et al. 2022 (Train Short, Test Long), section 3. For n not a power of two the
official code takes the 2^floor(log2 n) slopes and adds every other slope of the 2x-larger
set. Because softmax ignores a constant added to a whole row, -slope * (i - j) and
+slope * j give the same attention (the official code uses the latter).
"""

import math

import torch
from _kit import check, main

from quiz.params import alibi_slope


def alibi_slopes(n: int) -> list:
    """Slopes of n heads, following the official implementation."""
    if math.log2(n).is_integer():
        start = 2 ** (-8 / n)  # ratio = start
        return [start ** (h + 1) for h in range(n)]
    p = 2 ** math.floor(math.log2(n))
    return alibi_slopes(p) + alibi_slopes(2 * p)[0::2][: n - p]


def alibi_bias(slopes: list, T: int) -> torch.Tensor:
    """(H, T, T) bias: -slope * (i - j) for key j <= query i, -inf above the diagonal (causal)."""
    i = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    dist = (i - j).to(torch.float64)  # (T, T) how far back key j is
    m = torch.tensor(slopes, dtype=torch.float64)[:, None, None]  # (H, 1, 1)
    return (-m * dist).masked_fill(j > i, float("-inf"))


def run(seed: int = 0, alibi_slopes=alibi_slopes) -> list:
    g = torch.Generator().manual_seed(seed)
    f64 = torch.float64
    s8 = torch.tensor(alibi_slopes(8), dtype=f64)
    s12 = torch.tensor(alibi_slopes(12), dtype=f64)
    by_hand_8 = torch.tensor([1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256], dtype=f64)
    # 12 heads: the 8 slopes above, then the odd-numbered slopes of 16 heads, 2^-0.5, 2^-1.5, ...
    by_hand_12 = torch.cat([by_hand_8, torch.tensor([2**-0.5, 2**-1.5, 2**-2.5, 2**-3.5], dtype=f64)])
    formula_err = max(abs(alibi_slopes(n)[h - 1] - alibi_slope(n, h)) for n in (4, 8, 16, 32, 64)
                      for h in range(1, n + 1))
    s16 = torch.tensor(alibi_slopes(16), dtype=f64)

    # attention with -m (i - j) equals attention with +m j: a per-row constant does not matter
    T = 10
    scores = torch.randn(8, T, T, generator=g, dtype=torch.float64)  # (H, T, T) q.k / sqrt(d)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    by_j = (s8[:, None, None] * torch.arange(T, dtype=torch.float64)).masked_fill(~causal, float("-inf"))
    a1 = (scores + alibi_bias(alibi_slopes(8), T)).softmax(-1)
    a2 = (scores + by_j).softmax(-1)

    # float64: slopes are powers of 2, exact or within a few ulps; the ratios within ~1e-15
    return [
        check("slopes_8_heads", 0.0, (s8 - by_hand_8).abs().max(), abs_tol=1e-15),
        check("slopes_16_geometric", 0.0, (s16[1:] / s16[:-1] - s16[0]).abs().max(), abs_tol=1e-12),
        check("last_slope_is_1_256", 1 / 256, alibi_slopes(64)[-1], rel_tol=1e-12, note="64 heads"),
        check("matches_registered_formula", 0.0, formula_err, abs_tol=1e-15),
        check("slopes_12_heads", 0.0, (s12 - by_hand_12).abs().max(), abs_tol=1e-15),
        check("bias_row_shift_same_attention", 0.0, (a1 - a2).abs().max(), abs_tol=1e-12),
    ]


def figures(seed: int = 0, alibi_slopes=alibi_slopes) -> list:
    """The slopes of 8 heads (log scale), and the bias head 1 adds to a causal 8x8 score matrix."""
    from _kit import bar_figure, heatmap_figure

    del seed  # deterministic
    slopes = alibi_slopes(8)
    bias = alibi_bias(slopes, 8)[0]  # (T, T), -inf above the diagonal
    return [
        bar_figure("slopes_8_heads", "ALiBi slope per head, 8 heads", [str(h) for h in range(1, 9)],
                   ("head", "", False, "头"), ("slope", "", True, "斜率"), {"slope": slopes},
                   names_zh={"slope": "斜率"}, title_zh="ALiBi 每个头的斜率（8 个头）",
                   note="a geometric sequence: each head's slope is half the previous one, 1/2 to 1/256",
                   note_zh="等比数列：每个头的斜率是前一个的一半，从 1/2 到 1/256"),
        heatmap_figure("bias_head1", "Bias added by head 1 (slope 1/2), causal", bias, value=("bias", "", False, "偏置"),
                       title_zh="头 1（斜率 1/2）加到分数上的偏置（因果）",
                       note="-slope x distance: 0 on the diagonal, more negative further back",
                       note_zh="-斜率 x 距离：对角线上为 0，越远越负"),
    ]


if __name__ == "__main__":
    main(run)
