"""Position interpolation feeds RoPE the position m * L / L' instead of m, so a model trained on L
positions and run on L' = s * L sees only angles inside its trained range [0, L * theta_i) for every
pair, with neighbouring tokens 1/s apart; it is the same as dividing every RoPE frequency by s.

Chen et al. 2023, "Extending Context Window of Large Language Models via Positional Interpolation",
Sec. 2.2, eq. 4: f'(x, m) = f(x, m L / L'). Plain extrapolation instead feeds positions up to L' - 1,
so the slow pairs (wavelength longer than L) meet angles they never saw in training.
"""

import torch
from _kit import check, check_at_least, check_at_most, main

from quiz.params_context_moe_eval import pi_position


def rope_angles(positions: torch.Tensor, d: int, base: float = 10000.0, freq_scale: float = 1.0) -> torch.Tensor:
    """(T,) positions -> (T, d/2) angles m * theta_i, theta_i = base^(-2i/d) * freq_scale."""
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d) * freq_scale  # (d/2,)
    return positions.to(torch.float64)[:, None] * theta


def run(seed: int = 0, interpolate=pi_position) -> list:
    del seed  # deterministic
    d, L, L_new = 128, 2048, 8192  # Llama-style head size, a 4x extension
    s = L_new / L
    m = torch.arange(L_new, dtype=torch.float64)  # every position of the long context
    pi_pos = torch.tensor([interpolate(float(p), L, L_new) for p in m.tolist()], dtype=torch.float64)

    angles_pi = rope_angles(pi_pos, d)  # (L', d/2)
    angles_slow = rope_angles(m, d, freq_scale=1 / s)  # the same thing written as slower frequencies
    trained_top = rope_angles(torch.tensor([float(L)]), d)[0]  # (d/2,) the open upper end L * theta_i
    angles_extra = rope_angles(m, d)  # no interpolation
    # slowest pair: how far past the trained range plain extrapolation goes
    extra_ratio = angles_extra[:, -1].max() / trained_top[-1]

    return [
        check("equals_frequencies_divided_by_s", 0.0, (angles_pi - angles_slow).abs().max(), abs_tol=1e-9),
        check_at_most("max_angle_over_trained_range", 1.0 - 1e-9, (angles_pi / trained_top).max(),
                      note="every pair stays below L * theta_i"),  # fmt: skip
        check("neighbour_spacing", 1 / s, (pi_pos[1:] - pi_pos[:-1]).max(), rel_tol=1e-12),
        check("last_position_maps_to", L - 1 / s, pi_pos[-1], rel_tol=1e-12, note="m = L' - 1"),
        check_at_least("extrapolation_overshoots", 3.9, extra_ratio,
                       note=f"slowest pair reaches {float(extra_ratio):.3f}x its trained range"),
        check("extrapolation_ratio_closed_form", (L_new - 1) / L, extra_ratio, rel_tol=1e-12),
        check("position_1000_maps_to", 1000 * L / L_new, interpolate(1000.0, L, L_new), rel_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
