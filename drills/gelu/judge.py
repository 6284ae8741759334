"""Judge for the GELU drill: shape and dtype, input untouched, the exact form x·Φ(x) with erf(x/√2), small
negative outputs below zero, the tanh approximation with its cubic term (and the flag honoured), finite at
±1e4; the reference is checked against F.gelu in informative()."""

import torch
import torch.nn.functional as F
from _judge import (
    Case,
    all_finite,
    check_at_least,
    check_true,
    compare,
    differs,
    generator,
    inputs_unchanged,
    randn,
    same_shape_and_dtype,
    sibling,
)

reference = sibling(__file__, "reference").gelu


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, shape in enumerate([(7,), (3, 5), (2, 3, 4), (1,), (4, 1)]):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        for approx in ("none", "tanh"):
            out.append(Case({"x": randn(g, *shape, dtype=dtype, scale=2.0)}, {"approximate": approx}))
    return out


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 8)
    all_cases = cases(seed)
    grid = torch.linspace(-6, 6, 97, dtype=torch.float64)
    negatives = -torch.rand(4, 6, generator=g, dtype=torch.float64) * 4 - 0.05
    extreme = torch.tensor([[1e4, -1e4, 50.0, -50.0]], dtype=torch.float32)
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl, [(c, tuple(c.args["x"].shape), c.args["x"].dtype)
                                                           for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[2]),
        compare("exact_uses_normal_cdf", impl, reference, [Case({"x": grid}, {"approximate": "none"})], atol=1e-9),
        compare("negative_inputs_slightly_negative", impl, reference, [Case({"x": negatives}, {"approximate": "none"}),
                                                                      Case({"x": negatives}, {"approximate": "tanh"})],
                atol=1e-9),
        compare("tanh_approximation", impl, reference, [Case({"x": grid}, {"approximate": "tanh"})], atol=1e-9),
        all_finite("finite_on_extreme_inputs", impl, [Case({"x": extreme}, {"approximate": a}) for a in ("none", "tanh")]),
        compare("matches_reference", impl, reference, all_cases, atol=1e-6, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    grid = torch.linspace(-6, 6, 97, dtype=torch.float64)
    exact, tanh = reference(grid), reference(grid, "tanh")
    big = torch.exp(torch.tensor([1e4]))  # inf: e^z / e^z is nan
    torch_ok = (exact - F.gelu(grid)).abs().max() < 1e-12 and (tanh - F.gelu(grid, approximate="tanh")).abs().max() < 1e-12
    return [
        check_true("reference_equals_torch_gelu", bool(torch_ok)),
        check_at_least("tanh_and_exact_differ_beyond_tolerance", 1e-5, float((exact - tanh).abs().max())),
        differs("sigmoid_form_differs", grid * torch.sigmoid(1.702 * grid), exact, 1e-3),
        check_true("hand_written_tanh_overflows", bool(torch.isnan(big / big).all())),
    ]
