"""For the sinusoidal position encoding, PE(pos + k) is a fixed linear map of PE(pos): a rotation of
each (sin, cos) pair by k times that pair's frequency, the same matrix for every pos.

Vaswani et al. 2017, section 3.5: PE(pos, 2i) = sin(pos * w_i), PE(pos, 2i+1) = cos(pos * w_i)
with w_i = 10000^(-2i/d). By the angle-addition formulas,
sin(w(p+k)) = cos(wk) sin(wp) + sin(wk) cos(wp) and cos(w(p+k)) = cos(wk) cos(wp) - sin(wk) sin(wp),
which is why the authors hoped attention could "easily learn to attend by relative
positions". Pair i repeats with wavelength 2*pi*10000^(2i/d): a geometric progression from
2*pi to almost 10000*2*pi. This file uses the paper's interleaved layout (sin, cos, sin, ...).
"""

import math

import torch
from _kit import check, main

from quiz.params import sinusoid_wavelength


def sinusoidal(positions: torch.Tensor, d: int) -> torch.Tensor:
    """(P,) positions (may be fractional) -> (P, d): sin in even dims, cos in odd dims."""
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,) frequencies
    angle = positions.to(torch.float64)[:, None] * w  # (P, d/2)
    pe = torch.empty(len(positions), d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos()
    return pe


def shift_matrix(k: float, d: int) -> torch.Tensor:
    """(d, d) block-diagonal rotation that maps PE(pos) to PE(pos + k), built from the formula alone."""
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    m = torch.zeros(d, d, dtype=torch.float64)
    c, s = torch.cos(k * w), torch.sin(k * w)
    for i in range(d // 2):  # new (sin, cos) = [[c, s], [-s, c]] @ (sin, cos)
        m[2 * i, 2 * i], m[2 * i, 2 * i + 1] = c[i], s[i]
        m[2 * i + 1, 2 * i], m[2 * i + 1, 2 * i + 1] = -s[i], c[i]
    return m


def run(seed: int = 0, sinusoidal=sinusoidal) -> list:
    del seed  # deterministic
    d = 64
    pos = torch.arange(200, dtype=torch.float64)
    pe = sinusoidal(pos, d)  # (200, d)
    checks = []
    for k in (1, 5, 37):
        shifted = sinusoidal(pos + k, d)  # (200, d)
        mapped = pe @ shift_matrix(k, d).T  # one matrix for all 200 positions
        # float64, angles <= ~240 rad: rounding ~1e-13
        checks.append(check(f"shift_{k}_is_linear_map", 0.0, (shifted - mapped).abs().max(), abs_tol=1e-10))

    # every pair is a point on the unit circle, so |PE(pos)|^2 = d/2 and the map is a rotation
    checks.append(check("norm_squared_is_half_d", d / 2, pe.pow(2).sum(-1).max(), rel_tol=1e-12))
    checks.append(check("first_pair_at_pos_1", math.sin(1.0), pe[1, 0], abs_tol=1e-15))  # w_0 = 1

    # wavelengths: pair i comes back to itself after 2*pi*10000^(2i/d) positions
    err = 0.0
    for i in (0, 8, d // 2 - 1):
        lam = sinusoid_wavelength(d, i)
        back = sinusoidal(pos + lam, d)[:, 2 * i: 2 * i + 2]
        err = max(err, (back - pe[:, 2 * i: 2 * i + 2]).abs().max().item())
    checks.append(check("wavelengths", 0.0, err, abs_tol=1e-9))  # angles up to ~6e4 rad: ~1e-11
    return checks


if __name__ == "__main__":
    main(run)
