"""Judge for the LoRA drill: output shape and dtype, frozen weight untouched (also when merging), B = 0
gives the base layer, the alpha / r scale with r = A.shape[0], merged equals unmerged, both paths equal the
reference; informative() checks the inputs make every scale mistake visible."""

import torch
from _judge import (
    Case,
    check_true,
    compare,
    differs,
    generator,
    inputs_unchanged,
    randn,
    same_shape_and_dtype,
    sibling,
    unchanged_by,
)

reference = sibling(__file__, "reference").lora_linear


def layer(g, lead, d_in, d_out, r, alpha, dtype=torch.float64, zero_b=False):
    """x, W, b, A, B for one layer: d_in != d_out != r so a transposed matrix cannot go unnoticed."""
    return Case({"x": randn(g, *lead, d_in, dtype=dtype), "weight": randn(g, d_out, d_in, dtype=dtype) / d_in**0.5,
                 "bias": randn(g, d_out, dtype=dtype), "A": randn(g, r, d_in, dtype=dtype) / d_in**0.5,
                 "B": torch.zeros(d_out, r, dtype=dtype) if zero_b else randn(g, d_out, r, dtype=dtype),
                 "alpha": alpha})


def merged(case: Case, flag: bool = True) -> Case:
    return Case(case.args, {"merged": flag})


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, (lead, d_in, d_out, r, alpha) in enumerate([((3,), 6, 5, 2, 8.0), ((2, 4), 8, 3, 4, 16.0), ((1,), 7, 9, 1, 2.0),
                                                       ((2, 1, 3), 5, 4, 3, 6.0), ((), 6, 7, 2, 1.0)]):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        c = layer(g, lead, d_in, d_out, r, alpha, dtype)
        out += [c, merged(c)]
    return out


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 4)
    all_cases = cases(seed)
    zero = layer(g, (3,), 6, 5, 2, 8.0, zero_b=True)
    base = Case({k: v for k, v in zero.args.items()}, None)
    scaled = [layer(g, (4,), 8, 6, r, alpha) for r, alpha in ((2, 8.0), (4, 12.0), (3, 24.0))]
    probe = layer(g, (2, 3), 6, 5, 3, 12.0)
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, (*c.args["x"].shape[:-1], c.args["weight"].shape[0]), c.args["x"].dtype)
                              for c in all_cases]),
        inputs_unchanged("inputs_not_modified", impl, merged(probe)),
        compare("zero_B_gives_base_layer", impl, reference, [base, merged(base)], atol=1e-10),
        compare("scaling_is_alpha_over_r", impl, reference, scaled, atol=1e-9, rtol=1e-9),
        unchanged_by("merged_equals_unmerged", impl, merged(probe, False), merged(probe, True), atol=1e-9,
                     note="x(W + sBA)ᵀ + b = xWᵀ + b + s(xAᵀ)Bᵀ"),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 4)
    layer(g, (3,), 6, 5, 2, 8.0, zero_b=True)
    scaled = [layer(g, (4,), 8, 6, r, alpha) for r, alpha in ((2, 8.0), (4, 12.0), (3, 24.0))]
    c = scaled[0].args
    ref = reference(**c)
    side = (c["x"] @ c["A"].T) @ c["B"].T
    base = c["x"] @ c["weight"].T + c["bias"]
    return [
        differs("alpha_without_r_differs", base + c["alpha"] * side, ref, 1e-2),
        differs("alpha_over_d_in_differs", base + c["alpha"] / c["A"].shape[1] * side, ref, 1e-2),
        differs("adapter_matters", base, ref, 1e-2),
        check_true("alpha_over_r_never_one_or_alpha",
                   all(s.args["alpha"] / s.args["A"].shape[0] not in (1.0, s.args["alpha"]) for s in scaled)),
        check_true("d_in_d_out_r_all_differ",
                   all(len({s.args["A"].shape[0], s.args["A"].shape[1], s.args["B"].shape[0]}) == 3 for s in scaled)),
    ]
