"""NTK-aware RoPE scaling raises the base to b' = b * s^(d/(d-2)): the fastest pair (i = 0) keeps its
frequency exactly, the slowest pair (i = d/2 - 1) is slowed by exactly s, like position interpolation,
and pair i in between is slowed by s^(2i/(d-2)). For d = 128, b = 10000, s = 4: b' is about 40,890.

bloc97 (2023), "NTK-Aware Scaled RoPE" (Reddit r/LocalLLaMA post), also Peng et al. 2023 (YaRN),
Sec. 3.1, eq. 16. Contrast with multiplying the base by s, which slows the slowest pair by only
s^((d-2)/d), and with position interpolation, which slows every pair by s.
"""

import math

import torch
from _kit import check, check_true, main

from quiz.params_context_moe_eval import ntk_base, rope_wavelength


def thetas(base: float, d: int) -> torch.Tensor:
    return base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)


def run(seed: int = 0, new_base=ntk_base) -> list:
    del seed  # deterministic
    d, b, s = 128, 10000.0, 4.0
    b_new = new_base(b, s, d)
    ratio = thetas(b_new, d) / thetas(b, d)  # (d/2,) how much each pair's frequency is multiplied by
    i = torch.arange(d // 2, dtype=torch.float64)
    # Independent closed form: the base whose slowest frequency b^(-(d-2)/d) is divided by s,
    # solved in logarithms: (d-2)/d * ln b' = (d-2)/d * ln b + ln s.
    b_solved = math.exp(math.log(b) + d / (d - 2) * math.log(s))
    # the slowest pair's wavelength: the first integer position where its angle passes 2 pi
    theta_last = float(thetas(b, d)[-1])
    turn = int(torch.nonzero(torch.arange(200000, dtype=torch.float64) * theta_last >= 2 * math.pi)[0])
    return [
        check("slowest_wavelength_base_1e4", turn, rope_wavelength(b, d, d // 2 - 1), abs_tol=1.0,
              note="about 54,400 positions for d = 128"),  # fmt: skip
        check("fastest_pair_unchanged", 1.0, ratio[0], rel_tol=1e-12),
        check("slowest_pair_slowed_by_s", 1 / s, ratio[-1], rel_tol=1e-9),
        check("middle_pairs_geometric", 0.0, (ratio.log() + 2 * i / (d - 2) * math.log(s)).abs().max(), abs_tol=1e-9),
        check_true("slowdown_grows_with_pair_index", bool((ratio[1:] < ratio[:-1]).all())),
        check("new_base_d128_s4", b_solved, b_new, rel_tol=1e-9),
        check("new_base_d64_s8", math.exp(math.log(b) + 64 / 62 * math.log(8.0)), new_base(b, 8.0, 64), rel_tol=1e-9),
    ]


if __name__ == "__main__":
    main(run)
