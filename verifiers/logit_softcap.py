"""Logit soft-capping y = c * tanh(x / c) keeps every logit inside (-c, c), however large x gets;
it is close to the identity for |x| much smaller than c (relative change about x^2 / (3 c^2)), keeps the
order of the logits (so the argmax), and its gradient 1 - tanh^2(x / c) fades smoothly instead of
dropping to 0 at the cap as a hard clamp does.

Gemma Team 2024, "Gemma 2: Improving Open Language Models at a Practical Size", Sec. 2, "Logit
soft-capping" (cap 50 on the attention logits, 30 on the final logits). In float64, tanh rounds to exactly
1 for huge inputs, so the measured bound is |y| <= c.
"""

import math

import torch
from _kit import check, check_at_most, check_true, main

from quiz.params_context_moe_eval import softcap as softcap_formula


def softcap(x: torch.Tensor, cap: float) -> torch.Tensor:
    return cap * torch.tanh(x / cap)


def run(seed: int = 0, softcap=softcap) -> list:
    g = torch.Generator().manual_seed(seed)
    cap = 30.0
    x = torch.randn(10000, generator=g, dtype=torch.float64) * 1000  # (N,) huge logits
    y = softcap(x, cap)
    # independent closed form: tanh(u) = (e^(2u) - 1) / (e^(2u) + 1)
    small = torch.tensor([1.0, 3.0, -5.0, 10.0], dtype=torch.float64)
    e = torch.exp(2 * small / cap)
    closed = cap * (e - 1) / (e + 1)
    xg = torch.tensor([cap], dtype=torch.float64, requires_grad=True)
    softcap(xg, cap).sum().backward()
    return [
        check_at_most("bounded_by_cap", cap, y.abs().max(), note="inputs up to ~4000"),
        check("matches_closed_form", 0.0, (softcap(small, cap) - closed).abs().max(), abs_tol=1e-12),
        check("relative_change_x3", 3.0**2 / (3 * cap**2), 1 - float(softcap(small[1:2], cap)) / 3.0, rel_tol=0.01,
              note="x = 3, cap = 30: about 0.33% smaller"),  # fmt: skip
        check_true("order_preserved", bool((softcap(x.sort().values, cap).diff() >= 0).all())),
        check("grad_at_cap", 1 / math.cosh(1.0) ** 2, xg.grad[0], rel_tol=1e-12, note="sech^2(1) = 0.42"),
        check("registered_formula", softcap_formula(50.0, 30.0), softcap(torch.tensor(50.0, dtype=torch.float64), 30.0),
              rel_tol=1e-12),  # fmt: skip
    ]


if __name__ == "__main__":
    main(run)
