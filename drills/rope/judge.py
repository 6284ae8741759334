"""Judge for the RoPE drill (rotate_half layout): position 0 is the identity, each pair (i, i + d/2) keeps its
length, the rotation goes by +angle (checked with d = 2, where frequencies and layouts cannot matter),
theta_i = base^(-2i/d) with the given base, the given positions are used (offsets, any order), the angles are
precise at position 32768; reuses the rope verifier's relative-position checks (a score depends only on the
offset) with the learner's function."""

import torch
from _judge import (
    Case,
    DrillCheck,
    Failed,
    check_at_most,
    check_true,
    compare,
    differs,
    example_text,
    failed,
    generator,
    inputs_unchanged,
    randn,
    same_shape_and_dtype,
    sibling,
    small,
    verifier_checks,
)

reference = sibling(__file__, "reference").rope


def case(g, B, T, H, d, positions=None, dtype=torch.float64, base=None):
    pos = torch.arange(T) if positions is None else torch.as_tensor(positions)
    return Case({"x": randn(g, B, T, H, d, dtype=dtype), "positions": pos}, None if base is None else {"base": base})


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [case(g, 2, 5, 3, 8), case(g, 1, 1, 1, 2, dtype=torch.float32), case(g, 2, 4, 2, 16, dtype=torch.float32),
            case(g, 1, 7, 4, 6), case(g, 3, 3, 1, 4, positions=[10, 11, 12]),
            case(g, 2, 4, 2, 8, positions=torch.tensor([0.5, 3.0, 7.25, 2.0], dtype=torch.float64), base=500.0)]  # fmt: skip


def inputs(seed: int) -> dict:
    g = generator(seed + 6)
    return {
        "zero": [case(g, 2, 1, 3, 8, positions=[0]), case(g, 1, 1, 2, 6, positions=[0], dtype=torch.float32)],
        "pairs": [case(g, 2, 6, 2, 8), case(g, 1, 5, 3, 6, positions=[4, 9, 1, 30, 2])],
        "direction": [case(g, 1, 5, 2, 2), case(g, 2, 3, 1, 2)],  # positions 0..T-1: only the direction matters
        "freq": [case(g, 1, 6, 2, 8), case(g, 2, 4, 1, 16), case(g, 1, 5, 2, 8, base=500000.0)],
        "given": [case(g, 2, 5, 2, 8, positions=[7, 8, 9, 10, 11]), case(g, 1, 4, 3, 8, positions=[3, 0, 11, 5])],
        "large": [case(g, 1, 3, 2, 16, positions=[4095, 4096, 32768])],
    }


def pair_norms(t):
    """(..., d) -> (..., d/2): the length of each pair (t_i, t_{i+d/2})."""
    h = t.shape[-1] // 2
    return (t[..., :h].double() ** 2 + t[..., h:].double() ** 2).sqrt()


def pairs_kept(name, impl, cases_, atol=1e-6):
    """Each pair (x_i, x_{i+d/2}) is rotated as a unit, so its length is unchanged."""
    worst = 0.0
    for c in cases_:
        try:
            out = c.call(impl)
        except Failed as exc:
            return failed(name, str(exc))
        x = c.args["x"]
        if out.shape != x.shape:
            return failed(name, f"returned shape {tuple(out.shape)}, expected {tuple(x.shape)}")
        err = float((pair_norms(out) - pair_norms(x)).abs().max())
        if not err <= atol:
            ex = example_text({"x[0, :, 0]": x[0, :, 0]}, pair_norms(x[0, :, 0]),
                              pair_norms(out[0, :, 0])) if small(x) else ""  # fmt: skip
            return DrillCheck(name, 0.0, err, atol, False, f"the length of a pair (x_i, x_(i+d/2)) changed by {err:.3g}; "
                              "shown: each pair's length before (expected) and after (got)", "≈", ex)  # fmt: skip
        worst = max(worst, err)
    return DrillCheck(name, 0.0, worst, atol, True)


def one_head(impl):
    """The learner's function in the rope verifier's signature: (..., T, d) vectors and (T,) positions."""

    def f(t, positions):
        return impl(t.reshape(-1, t.shape[-2], 1, t.shape[-1]), positions).reshape(t.shape)

    return f


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    x = inputs(seed)
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["x"].shape), c.args["x"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[0]),
        compare("position_zero_is_identity", impl, lambda x, positions, base=10000.0: x.clone(), x["zero"], atol=1e-12),
        pairs_kept("pairs_i_with_i_plus_half", impl, x["pairs"]),
        # 1e-6 up to here: float32 angles are off by ~1e-7 at small positions; only angles_in_float64 is strict
        compare("rotates_by_plus_angle", impl, reference, x["direction"], atol=1e-6),
        compare("frequencies_base_pow_minus_2i_over_d", impl, reference, x["freq"], atol=1e-6),
        compare("uses_given_positions", impl, reference, x["given"], atol=1e-6),
        compare("angles_in_float64", impl, reference, x["large"], atol=1e-9),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
        *verifier_checks("rope", seed, keep=lambda n: n != "matches_complex_reference", rope=one_head(impl)),
    ]


def as_complex_reference(x, positions, base=10000.0):
    """An independent form of the reference: pair (x_i, x_{i+d/2}) as the complex number x_i + j x_{i+d/2},
    multiplied by e^(j angle)."""
    h = x.shape[-1] // 2
    angle = positions.double()[:, None] * base ** (-2 * torch.arange(h, dtype=torch.float64) / (2 * h))  # (T, h)
    z = torch.complex(x[..., :h].double(), x[..., h:].double()) * torch.polar(torch.ones_like(angle), angle)[:, None]
    return torch.cat([z.real, z.imag], dim=-1)


def interleaved(x, positions, base=10000.0):
    d = x.shape[-1]
    angle = positions.double()[:, None] * base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    cos, sin = angle.cos()[:, None], angle.sin()[:, None]
    out = torch.empty_like(x)
    out[..., 0::2] = x[..., 0::2] * cos - x[..., 1::2] * sin
    out[..., 1::2] = x[..., 1::2] * cos + x[..., 0::2] * sin
    return out


def informative(seed: int = 0) -> list:
    x = inputs(seed)
    p, dr, fr, gv, lg = (x[k][0].args for k in ("pairs", "direction", "freq", "given", "large"))
    ref_fr = reference(**fr)
    d = fr["x"].shape[-1]
    slow = fr["positions"].double()[:, None] * 10000.0 ** (-torch.arange(d // 2, dtype=torch.float64) / d)  # no 2
    slow = torch.cat([slow, slow], -1)[:, None]
    wrong_exp = fr["x"] * slow.cos() + torch.cat([-fr["x"][..., d // 2 :], fr["x"][..., : d // 2]], -1) * slow.sin()
    neg = reference(dr["x"], -dr["positions"])
    lx, lpos = lg["x"], lg["positions"]
    h = lx.shape[-1] // 2
    a32 = (lpos.float()[:, None] * 10000.0 ** (-torch.arange(0, 2 * h, 2).float() / (2 * h))).double()
    a32 = torch.cat([a32, a32], -1)[:, None]
    f32 = lx * a32.cos() + torch.cat([-lx[..., h:], lx[..., :h]], -1) * a32.sin()
    exact = max(float((reference(**c.args, **(c.kwargs or {})) - as_complex_reference(**c.args, **(c.kwargs or {})))
                      .abs().max()) for c in cases(seed) if c.args["x"].dtype == torch.float64)  # fmt: skip
    shapes = [c.args["x"].shape for c in cases(seed)]
    return [
        check_at_most("reference_equals_complex_form", 1e-12, exact),
        differs("interleaved_pairs_move_output", interleaved(**p), reference(**p), 1e-2),
        differs("negative_angle_moves_d2_output", neg, reference(**dr), 1e-2),
        differs("exponent_without_2_moves_output", wrong_exp, ref_fr, 1e-2),
        differs("arange_positions_move_output", reference(gv["x"], torch.arange(gv["x"].shape[1])), reference(**gv), 1e-2),
        differs("float32_angles_move_output_at_32768", f32, reference(**lg), 1e-6),
        check_true("odd_half_width_t_1_and_both_dtypes",
                   any(s[-1] // 2 % 2 == 1 for s in shapes) and any(s[1] == 1 for s in shapes)
                   and {c.args["x"].dtype for c in cases(seed)} == {torch.float32, torch.float64}),  # fmt: skip
    ]
