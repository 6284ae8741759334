"""Judge for the RMSNorm drill: one root-mean-square per vector over the last dim, no centring, eps inside
the square root, weight applied, scale invariant, finite on zero vectors; reuses the rmsnorm verifier
with the learner's function."""

import torch
from _judge import (
    Case,
    DrillCheck,
    Failed,
    all_finite,
    check_at_least,
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
    unchanged_by,
    verifier_checks,
)

reference = sibling(__file__, "reference").rms_norm


def spread(g, *shape, dtype=torch.float64):
    """Vectors with their own offsets and scales: the mean is far from 0, so centring shows."""
    lead = shape[:-1]
    return (randn(g, *shape, dtype=dtype) * (torch.rand(*lead, 1, generator=g, dtype=dtype) * 3 + 0.5)
            + randn(g, *lead, 1, dtype=dtype) * 3 + 2.0)


def gain(g, d, dtype=torch.float64):
    return randn(g, d, dtype=dtype) * 0.5 + 1.5  # far from 1


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, shape in enumerate([(5,), (1, 4), (2, 3, 8), (3, 1, 16), (7, 3), (2, 5, 1, 6)]):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        out.append(Case({"x": spread(g, *shape, dtype=dtype), "weight": gain(g, shape[-1], dtype)},
                        {"eps": 1e-6 if i % 3 else 1e-4}))
    return out


def rms_of_output(name, impl, x, want, atol, why):
    """With weight 1, each output vector has root mean square `want` (a tensor, one per vector)."""
    d = x.shape[-1]
    try:
        out = Case({"x": x, "weight": torch.ones(d, dtype=x.dtype)}).call(impl)
    except Failed as exc:
        return failed(name, str(exc))
    if out.shape != x.shape:
        return failed(name, f"returned shape {tuple(out.shape)}, expected {tuple(x.shape)}")
    rms = out.pow(2).mean(-1).sqrt()
    err = float((rms - want).abs().max())
    if err <= atol:
        return DrillCheck(name, 0.0, err, atol, True)
    return DrillCheck(name, 0.0, err, atol, False, why + f" (off by {err:.3g})", "≈",
                      example_text({"x": x[:1]}, f"output rms {float(want.flatten()[0]):.4f}", out[:1]))


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 1)
    all_cases = cases(seed)
    d = 8
    w = gain(g, d)
    big = spread(g, 2, 3, d)
    offset = torch.full((2, 4), 3.0, dtype=torch.float64) + randn(g, 2, 4) * 0.1  # mean ~3, small spread
    tiny = randn(g, 4, d, scale=1e-3)  # mean square ~1e-6, the size of eps
    varied = spread(g, 4, 6)
    zeros = torch.zeros(2, d, dtype=torch.float64)
    huge = randn(g, 3, d, dtype=torch.float32) * 1e4
    ones = {"weight": torch.ones(d, dtype=torch.float64)}
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["x"].shape), c.args["x"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[2]),
        compare("no_mean_subtraction", impl, reference, [Case({"x": offset, "weight": torch.ones(4, dtype=torch.float64)},
                                                             {"eps": 1e-6})], atol=1e-6),
        rms_of_output("mean_of_squares_not_sum", impl, varied, torch.ones(4, dtype=torch.float64), 1e-4,
                      "each output vector should have rms 1 before the weight"),
        compare("eps_inside_sqrt", impl, reference, [Case({"x": tiny, **ones}, {"eps": 1e-6}),
                                                     Case({"x": tiny * 30, **ones}, {"eps": 1e-3})], atol=1e-3),
        compare("normalises_last_dim", impl, reference, [Case({"x": varied, "weight": torch.ones(6, dtype=torch.float64)},
                                                              {"eps": 1e-6})], atol=1e-6),
        compare("applies_weight", impl, reference, [Case({"x": big, "weight": w}, {"eps": 1e-6})], atol=1e-6),
        unchanged_by("scale_invariant", impl, Case({"x": big, "weight": w}, {"eps": 1e-6}),
                     Case({"x": big * 10, "weight": w}, {"eps": 1e-6}),
                     atol=1e-4, note="rms_norm(10x) = rms_norm(x) when the rms is far above eps"),
        all_finite("finite_on_extreme_inputs", impl, [Case({"x": zeros, **ones}, {"eps": 1e-6}),
                                                     Case({"x": huge, "weight": torch.ones(d)}, {"eps": 1e-6})]),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
        *verifier_checks("rmsnorm", seed, keep=lambda n: n in {"matches_torch_rms_norm", "equals_layernorm_on_zero_mean",
                                                               "output_rms_is_one", "scale_invariant"},
                         rms_norm=impl),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 1)
    all_cases = cases(seed)
    d = 8
    w = gain(g, d)
    spread(g, 2, 3, d)  # as in run(): keeps the generator in step
    offset = torch.full((2, 4), 3.0, dtype=torch.float64) + randn(g, 2, 4) * 0.1
    tiny = randn(g, 4, d, scale=1e-3)
    varied = spread(g, 4, 6)
    ones4 = torch.ones(4, dtype=torch.float64)
    centred = offset - offset.mean(-1, keepdim=True)
    rms = varied.pow(2).mean(-1, keepdim=True).sqrt()
    return [
        differs("centring_moves_output", centred / centred.pow(2).mean(-1, keepdim=True).add(1e-6).sqrt(),
                reference(offset, ones4), 0.5),
        differs("eps_outside_sqrt_moves_output", tiny / (tiny.pow(2).mean(-1, keepdim=True).sqrt() + 1e-6),
                reference(tiny, torch.ones(d, dtype=torch.float64)), 1e-2),
        differs("whole_tensor_rms_moves_output", varied / varied.pow(2).mean().sqrt(),
                reference(varied, torch.ones(6, dtype=torch.float64)), 1e-2),
        check_at_least("vector_rms_values_differ", 0.5, float(rms.max() - rms.min())),
        differs("weight_is_not_ones", w, torch.ones(d, dtype=torch.float64), 0.3),
        differs("sum_vs_mean_of_squares", varied / varied.pow(2).sum(-1, keepdim=True).sqrt(),
                reference(varied, torch.ones(6, dtype=torch.float64)), 0.1),
        check_true("float32_and_float64_inputs", {c.args["x"].dtype for c in all_cases} == {torch.float32, torch.float64}),
        check_true("length_one_dims_present", any(1 in c.args["x"].shape for c in all_cases)),
    ]
