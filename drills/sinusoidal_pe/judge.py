"""Judge for the sinusoidal encoding drill: (P, d) float64, positions untouched, sin in even columns,
interleaved pairs, the 10000^(-2i/d) frequencies, fractional positions; reuses the sinusoidal_linear and
sinusoidal_dot verifiers with the learner's function."""

import torch
from _judge import (
    Case,
    check_true,
    compare,
    differs,
    inputs_unchanged,
    same_shape_and_dtype,
    sibling,
    verifier_checks,
)

reference = sibling(__file__, "reference").sinusoidal_pe


def cases(seed: int) -> list[Case]:
    g = torch.Generator().manual_seed(seed)
    return [Case({"positions": torch.arange(7), "d": 8}),
            Case({"positions": torch.randint(0, 500, (5,), generator=g), "d": 16}),
            Case({"positions": torch.tensor([0]), "d": 2}),
            Case({"positions": torch.arange(3, dtype=torch.float32), "d": 6}),
            Case({"positions": torch.rand(4, generator=g, dtype=torch.float64) * 100, "d": 12})]


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    zero = Case({"positions": torch.tensor([0, 0]), "d": 8})
    few = Case({"positions": torch.tensor([1, 2, 5]), "d": 8})
    far = Case({"positions": torch.tensor([3, 100, 2000]), "d": 64})
    frac = Case({"positions": torch.tensor([0.5, 1.5, 2.25], dtype=torch.float64), "d": 8})
    return [
        same_shape_and_dtype("shape_and_dtype", impl, [(c, (len(c.args["positions"]), c.args["d"]), torch.float64)
                                                      for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[4]),
        compare("even_dims_are_sin", impl, reference, [zero], atol=1e-12),
        compare("interleaved_layout", impl, reference, [few], atol=1e-9),
        compare("frequencies", impl, reference, [far], atol=1e-9),
        compare("fractional_positions", impl, reference, [frac], atol=1e-9),
        compare("matches_reference", impl, reference, all_cases, atol=1e-9),
        *verifier_checks("sinusoidal_linear", seed, keep=lambda n: n.startswith("shift_") or n == "wavelengths",
                         sinusoidal=impl),
        *verifier_checks("sinusoidal_dot", seed, keep=lambda n: n == "depends_only_on_offset", sinusoidal=impl),
    ]


def informative(seed: int = 0) -> list:
    p = torch.tensor([1, 2, 5])
    ref = reference(p, 8)
    w = 10000.0 ** (-torch.arange(0, 8, 2, dtype=torch.float64) / 8)
    a = p.double()[:, None] * w
    halves = torch.cat([a.sin(), a.cos()], -1)
    far = torch.tensor([3, 100, 2000])
    w_half = 10000.0 ** (-torch.arange(32, dtype=torch.float64) / 64)
    b = far.double()[:, None] * w_half
    slow = torch.empty(3, 64, dtype=torch.float64)
    slow[:, 0::2], slow[:, 1::2] = b.sin(), b.cos()
    return [
        differs("halves_layout_differs", halves, ref, 0.1),
        differs("i_over_d_exponent_differs", slow, reference(far, 64), 0.1),
        check_true("fractional_positions_present", bool((cases(seed)[4].args["positions"] % 1 != 0).any())),
        check_true("cos_at_zero_is_one", bool((reference(torch.tensor([0]), 8)[0, 1::2] == 1).all())),
    ]
