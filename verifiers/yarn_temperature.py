"""YaRN scales both queries and keys by sqrt(1/t) = 0.1 ln(s) + 1 (in practice by multiplying the RoPE
cos/sin tables), so the attention logits are multiplied by (0.1 ln s + 1)^2: 1 at s = 1, about 1.296 at
s = 4 and 1.631 at s = 16. The larger logits sharpen the softmax (lower entropy), offsetting the flatter
attention that interpolated positions cause.

Peng et al. 2023, "YaRN: Efficient Context Window Extension of Large Language Models", Sec. 3.4, eq. 22
(the 0.1 ln s + 1 fit was made on LLaMA models). Because RoPE is a rotation, scaling cos and sin by a
factor scales the rotated vector's length by that factor.
"""

import math

import torch
from _kit import check, check_at_most, main

from quiz.params_context_moe_eval import yarn_logit_factor, yarn_mscale


def rope(x: torch.Tensor, pos: torch.Tensor, mscale: float = 1.0) -> torch.Tensor:
    """(T, d) -> (T, d), interleaved pairs; cos and sin tables multiplied by mscale as YaRN's code does."""
    d = x.shape[-1]
    theta = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    ang = pos.to(torch.float64)[:, None] * theta  # (T, d/2)
    cos, sin = ang.cos() * mscale, ang.sin() * mscale
    x1, x2 = x[:, 0::2], x[:, 1::2]
    out = torch.empty_like(x)
    out[:, 0::2] = x1 * cos - x2 * sin
    out[:, 1::2] = x1 * sin + x2 * cos
    return out


def entropy(logits: torch.Tensor) -> torch.Tensor:
    p = logits.softmax(-1)
    return -(p * p.clamp_min(1e-300).log()).sum(-1).mean()


def run(seed: int = 0, mscale=yarn_mscale) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d, s = 64, 64, 16.0
    q = torch.randn(T, d, generator=g, dtype=torch.float64)
    k = torch.randn(T, d, generator=g, dtype=torch.float64)
    pos = torch.arange(T, dtype=torch.float64)
    plain = rope(q, pos) @ rope(k, pos).T / math.sqrt(d)  # (T, T)
    m = mscale(s)
    yarn = rope(q, pos, m) @ rope(k, pos, m).T / math.sqrt(d)  # (T, T)
    # independent: ln 16 = 4 ln 2, so sqrt(1/t) = 1 + 0.4 ln 2 and 1/t is its square
    factor_16 = (1 + 0.4 * math.log(2)) ** 2
    return [
        check("no_change_at_s1", 1.0, mscale(1.0), abs_tol=1e-12),
        check("mscale_s4", 1 + 0.2 * math.log(2), mscale(4.0), rel_tol=1e-9),
        check("logit_factor_s16", factor_16, (yarn / plain).median(), rel_tol=1e-9,
              note="measured on RoPE logits with scaled cos/sin tables"),  # fmt: skip
        check("registered_logit_factor_s16", factor_16, yarn_logit_factor(16.0), rel_tol=1e-9),
        check("logit_factor_s4", (1 + 0.2 * math.log(2)) ** 2, mscale(4.0) ** 2, rel_tol=1e-9),
        check_at_most("entropy_drops", entropy(plain) - 1e-3, entropy(yarn), note="sharper attention"),
    ]


if __name__ == "__main__":
    main(run)
