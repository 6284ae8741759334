"""The dot product of two sinusoidal position encodings depends only on their offset: PE(p) .
PE(p+k) = sum_i cos(k * w_i), the same for every p, symmetric in k, largest (d/2) at k = 0, and not
monotone in |k|.

Each (sin, cos) pair contributes sin(a)sin(b) + cos(a)cos(b) = cos(a - b). The symmetry
means the raw dot product cannot tell a token before from a token after; it falls for
small offsets but rises again at some larger ones, so it is not a clean distance
measure (here d = 64: it drops from 32 to ~15.7 at offset 50, then is ~17.9 at 100).
"""

import torch
from _kit import check, check_at_most, check_true, main


def sinusoidal(positions: torch.Tensor, d: int) -> torch.Tensor:
    """(P,) positions -> (P, d): sin(pos * w_i) in even dims, cos in odd dims, w_i = 10000^(-2i/d)."""
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)
    angle = positions.to(torch.float64)[:, None] * w  # (P, d/2)
    pe = torch.empty(len(positions), d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos()
    return pe


def run(seed: int = 0, sinusoidal=sinusoidal) -> list:
    del seed  # deterministic
    d, P, K = 64, 300, 150
    pe = sinusoidal(torch.arange(P + K), d)  # (P + K, d)
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)

    spread = closed_err = 0.0
    dots = {}
    for k in range(K):
        dk = (pe[:P] * pe[k: P + k]).sum(-1)  # (P,) PE(p) . PE(p + k) for every p
        spread = max(spread, (dk.max() - dk.min()).item())
        closed_err = max(closed_err, (dk - torch.cos(k * w).sum()).abs().max().item())
        dots[k] = dk[0].item()
    # the same p against p + k and p - k, for p in [K, P) and every k < K
    sym = max(((pe[K:P] * pe[K + k: P + k]).sum(-1) - (pe[K:P] * pe[K - k: P - k]).sum(-1)).abs().max().item()
              for k in range(1, K))

    # float64, angles < 450 rad: rounding ~1e-13 on sums of 32 terms
    return [
        check("depends_only_on_offset", 0.0, spread, abs_tol=1e-10, note="spread over 300 positions"),
        check("matches_sum_of_cosines", 0.0, closed_err, abs_tol=1e-10),
        check("same_for_plus_and_minus_k", 0.0, sym, abs_tol=1e-10),
        check("offset_0_is_half_d", d / 2, dots[0], rel_tol=1e-12),
        check_at_most("max_at_offset_0", d / 2, max(v for k, v in dots.items() if k > 0)),
        check_true("not_monotone", dots[100] > dots[50],
                   note=f"offset 50: {dots[50]:.2f}, offset 100: {dots[100]:.2f}"),
    ]


if __name__ == "__main__":
    main(run)
