"""QLoRA's 4-bit NormalFloat (NF4) puts its 16 levels at quantiles of a standard normal, rescaled to
[-1, 1]: 8 positive and 7 negative quantiles plus an exact zero. Because pretrained weights are roughly
normal, each level is used about equally often, and on normal weights NF4 gives a lower blockwise
quantization error than symmetric int4 (evenly spaced codes -7..7) with the same absmax scaling.

The quantiles are taken between an offset of 1 - (1/32 + 1/30) / 2 and 1/2 on each side, as bitsandbytes
builds its table (the exact endpoint quantile would be infinite).
"""

import torch
from _kit import check, check_at_most, check_true, main

# the NF4 table as shipped by bitsandbytes (fp32 values, rounded here to 7 decimals)
PUBLISHED = [-1.0, -0.6961928, -0.5250731, -0.3949175, -0.2844414, -0.1847734, -0.0910500, 0.0,
             0.0795803, 0.1609302, 0.2461123, 0.3379152, 0.4407098, 0.5626170, 0.7229568, 1.0]  # fmt: skip


def nf4_codebook():
    offset = 1 - 0.5 * (1 / 32 + 1 / 30)  # 0.9677083
    q = torch.special.ndtri  # inverse normal CDF
    positive = q(torch.linspace(offset, 0.5, 9, dtype=torch.float64)[:-1])  # 8 quantiles > 0
    negative = -q(torch.linspace(offset, 0.5, 8, dtype=torch.float64)[:-1])  # 7 quantiles < 0
    levels = torch.cat([negative, torch.zeros(1, dtype=torch.float64), positive]).sort().values
    return levels / levels.max()  # (16,) in [-1, 1]


def quantize_mse(w, levels, block: int = 64) -> float:
    """Blockwise absmax: scale each block into [-1, 1], snap to the nearest level, scale back."""
    blocks = w.view(-1, block)
    absmax = blocks.abs().max(dim=1, keepdim=True).values  # (n_blocks, 1)
    codes = ((blocks / absmax)[..., None] - levels).abs().argmin(dim=-1)  # (n_blocks, block)
    return ((levels[codes] * absmax - blocks) ** 2).mean().item()


def run(seed: int = 0, codebook=nf4_codebook) -> list:
    g = torch.Generator().manual_seed(seed)
    levels = codebook()
    w = torch.randn(64 * 512, generator=g, dtype=torch.float64) * 0.02  # normal "pretrained" weights
    int4 = torch.arange(-7, 8, dtype=torch.float64) / 7  # symmetric int4 absmax: codes -7..7, same scaling
    return [
        check("max_abs_diff_vs_published_table", 0.0, (levels - torch.tensor(PUBLISHED, dtype=torch.float64))
              .abs().max(), abs_tol=1e-6),
        check("levels", 16, levels.numel(), abs_tol=0),
        check_true("has_exact_zero", (levels == 0).any()),
        check("positive_levels", 8, (levels > 0).sum(), abs_tol=0),
        check_at_most("mse_nf4_over_int4", 1.0, quantize_mse(w, levels) / quantize_mse(w, int4)),
    ]


if __name__ == "__main__":
    main(run)
