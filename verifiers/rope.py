"""RoPE rotates each pair of query/key features by an angle proportional to the position, so it
preserves vector norms and the score q_m . k_n depends only on the offset n - m, not on m and n
themselves.

Su et al. 2021 (RoFormer): pair i of a vector at position m is rotated by m * theta_i,
theta_i = 10000^(-2i/d). Since rotations compose, <R_m q, R_n k> = <q, R_(n-m) k>.
Unlike an absolute encoding added to the input, nothing is added to the vectors, and it
is applied to q and k inside every attention layer (not to v). This file uses the
interleaved pairs (x0, x1), (x2, x3), ... of the paper and of Llama's complex-number code;
GPT-NeoX style "rotate_half" pairs dimension i with i + d/2, a permutation of the same idea.
"""

import torch
from _kit import check, check_at_least, main


def rope(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """(..., T, d) vectors, (T,) positions -> (..., T, d): pair (x_2i, x_2i+1) rotated by pos * theta_i."""
    d = x.shape[-1]
    theta = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)
    angle = positions.to(torch.float64)[:, None] * theta  # (T, d/2)
    cos, sin = angle.cos(), angle.sin()
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (..., T, d/2) each
    out = torch.empty_like(x)
    out[..., 0::2] = x1 * cos - x2 * sin
    out[..., 1::2] = x1 * sin + x2 * cos
    return out


def rope_complex(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """Reference in the style of Llama: each pair is a complex number, multiplied by e^(i * pos * theta)."""
    d = x.shape[-1]
    theta = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    rot = torch.polar(torch.ones(len(positions), d // 2, dtype=torch.float64), positions[:, None] * theta)
    xc = torch.view_as_complex(x.reshape(*x.shape[:-1], d // 2, 2).contiguous())  # (..., T, d/2)
    return torch.view_as_real(xc * rot).flatten(-2)


def run(seed: int = 0, rope=rope) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, d = 2, 16, 64
    x = torch.randn(B, T, d, generator=g, dtype=torch.float64)  # (B, T, d)
    pos = torch.arange(T, dtype=torch.float64)
    y = rope(x, pos)

    # one query and one key placed at (m, m + 3) for very different m
    q = torch.randn(1, d, generator=g, dtype=torch.float64)
    k = torch.randn(1, d, generator=g, dtype=torch.float64)

    def score(m, n):
        return (rope(q, torch.tensor([float(m)])) * rope(k, torch.tensor([float(n)]))).sum()

    scores = torch.stack([score(m, m + 3) for m in (0, 7, 100, 1000, 5000)])
    # <R_m q, R_n k> = <q, R_(n-m) k>: rotate only the key, by the offset
    via_offset = (q * rope(k, torch.tensor([3.0]))).sum()
    moved = (score(10, 13) - score(10, 20)).abs()  # a different offset gives a different score

    # float64: rounding ~1e-13 for angles up to ~5000 rad
    return [
        check("matches_complex_reference", 0.0, (y - rope_complex(x, pos)).abs().max(), abs_tol=1e-12),
        check("norm_preserved", 0.0, (y.norm(dim=-1) - x.norm(dim=-1)).abs().max(), abs_tol=1e-12),
        check("position_0_is_identity", 0.0, (y[:, 0] - x[:, 0]).abs().max(), abs_tol=1e-15),
        check("score_depends_only_on_offset", 0.0, scores.max() - scores.min(), abs_tol=1e-9,
              note="offset 3 at m = 0, 7, 100, 1000, 5000"),
        check("score_equals_rotated_key", via_offset, scores[-1], abs_tol=1e-10, note="m = 5000, n = 5003"),
        check_at_least("offset_changes_score", 1e-3, moved, note="offset 3 vs offset 10"),
    ]


def figures(seed: int = 0, rope=rope) -> list:
    """The score <RoPE(q, m), RoPE(k, n)> for every query position m and key position n in 0..11."""
    from _kit import heatmap_figure

    g = torch.Generator().manual_seed(seed)
    T, d = 12, 64
    q = torch.randn(1, d, generator=g, dtype=torch.float64).expand(T, d)  # the same q at every position
    k = torch.randn(1, d, generator=g, dtype=torch.float64).expand(T, d)
    pos = torch.arange(T, dtype=torch.float64)
    scores = rope(q, pos) @ rope(k, pos).T  # (T, T): row m, column n
    spread = max((scores.diagonal(o).max() - scores.diagonal(o).min()).item() for o in range(-T + 1, T))
    return [
        heatmap_figure("scores_by_position", "RoPE score q_m·k_n for one q and one k at every position", scores,
                       x=("key position n", "", False, "键位置 n"),
                       y=("query position m", "", False, "查询位置 m"), value=("score", "", False, "分数"),
                       title_zh="同一个 q、k 放在各位置时的 RoPE 分数 q_m·k_n",
                       note=f"constant along every diagonal n - m (largest spread {spread:.1e})",
                       note_zh=f"沿每条对角线 n - m 保持不变（最大偏差 {spread:.1e}）"),
    ]


if __name__ == "__main__":
    main(run)
