"""Judge for the LayerNorm drill: per-vector statistics over the last dim, biased variance, eps inside
the square root, weight and bias, scale invariance, finite on constant vectors; reuses the
layernorm_vs_batchnorm verifier with the learner's function."""

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

reference = sibling(__file__, "reference").layer_norm


def affine(g, d, dtype=torch.float64):
    """A weight far from 1 and a bias far from 0, different from each other."""
    return {"weight": randn(g, d, dtype=dtype) * 0.5 + 1.5, "bias": randn(g, d, dtype=dtype) - 0.5}


def plain(d, dtype=torch.float64):
    return {"weight": torch.ones(d, dtype=dtype), "bias": torch.zeros(d, dtype=dtype)}


def spread(g, *shape, dtype=torch.float64):
    """Vectors with their own offsets and scales, so per-vector and whole-tensor statistics differ."""
    lead = shape[:-1]
    return (randn(g, *shape, dtype=dtype) * (torch.rand(*lead, 1, generator=g, dtype=dtype) * 3 + 0.5)
            + randn(g, *lead, 1, dtype=dtype) * 4)


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, shape in enumerate([(5,), (1, 4), (2, 3, 8), (3, 1, 16), (7, 3), (2, 5, 1, 6)]):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        out.append(Case({"x": spread(g, *shape, dtype=dtype), **affine(g, shape[-1], dtype)},
                        {"eps": 1e-5 if i % 3 else 1e-3}))
    return out


def stats_check(name, impl, x, want_var, atol):
    """With weight 1 and bias 0, every output vector has mean 0 (and biased variance want_var if given)."""
    d = x.shape[-1]
    try:
        out = Case({"x": x, **plain(d)}).call(impl)
    except Failed as exc:
        return failed(name, str(exc))
    if out.shape != x.shape:
        return failed(name, f"returned shape {tuple(out.shape)}, expected {tuple(x.shape)}")
    mean = out.mean(-1)
    var = ((out - out.mean(-1, keepdim=True)) ** 2).mean(-1)
    err = float(mean.abs().max()) if want_var is None else max(float(mean.abs().max()), float((var - want_var).abs().max()))
    if err <= atol:
        return DrillCheck(name, 0.0, err, atol, True)
    want = "each row: mean 0" + ("" if want_var is None else f", variance {float(want_var.flatten()[0]):.4f}")
    example = example_text({"x": x[:1]}, want, out[:1])
    return DrillCheck(name, 0.0, err, atol, False, f"per-vector output mean/variance off by {err:.3g}", "≈", example)


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 1)
    all_cases = cases(seed)
    x = spread(g, 3, 4)  # (3, 4): D = 4, where dividing by D - 1 instead of D is a 33% difference
    var = ((x - x.mean(-1, keepdim=True)) ** 2).mean(-1)
    tiny = randn(g, 4, 8, scale=3e-3)  # variance ~1e-5, the size of eps: where eps placement shows
    d = 8
    w = affine(g, d)
    big = spread(g, 2, 3, d)
    const = torch.full((2, d), 7.0, dtype=torch.float64)
    huge = (randn(g, 3, d, dtype=torch.float32) + 1e4)
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["x"].shape), c.args["x"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[2]),
        stats_check("normalises_last_dim", impl, spread(g, 4, 6) * 3, None, 1e-6),
        stats_check("biased_variance", impl, x * 10, var * 100 / (var * 100 + 1e-5), 1e-3),
        compare("eps_inside_sqrt", impl, reference, [Case({"x": tiny, **plain(d)}, {"eps": 1e-5}),
                                                     Case({"x": tiny * 30, **plain(d)}, {"eps": 1e-2})], atol=1e-4),
        compare("applies_weight_and_bias", impl, reference, [Case({"x": big, **w}, {"eps": 1e-5})], atol=1e-6),
        unchanged_by("scale_invariant", impl, Case({"x": big, **w}, {"eps": 1e-5}),
                     Case({"x": big * 10, **w}, {"eps": 1e-5}),
                     atol=1e-3, note="layer_norm(10x) = layer_norm(x) when the variance is far above eps"),
        all_finite("finite_on_extreme_inputs", impl, [Case({"x": const, **plain(d)}, {"eps": 1e-5}),
                                                     Case({"x": huge, **plain(d, torch.float32)}, {"eps": 1e-5})]),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
        *verifier_checks("layernorm_vs_batchnorm", seed, keep=lambda name: name.startswith("ln_"),
                         layer_norm=lambda t: impl(t, torch.ones(t.shape[-1], dtype=t.dtype),
                                                   torch.zeros(t.shape[-1], dtype=t.dtype))),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 1)
    all_cases = cases(seed)
    x = spread(g, 3, 4)
    tiny = randn(g, 4, 8, scale=3e-3)
    d = 8
    w = affine(g, d)
    big = spread(g, 2, 3, d)
    mean = tiny.mean(-1, keepdim=True)
    std = ((tiny - mean) ** 2).mean(-1, keepdim=True).sqrt()
    unbiased = (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True) + 1e-5)
    means = big.mean(-1)
    const = torch.full((2, d), 7.0, dtype=torch.float64)  # as in run()
    return [
        differs("eps_outside_sqrt_moves_output", (tiny - mean) / (std + 1e-5), reference(tiny, *plain(d).values()), 1e-2),
        differs("unbiased_variance_moves_output", unbiased, reference(x, *plain(4).values()), 1e-2),
        check_at_least("vector_means_differ", 0.5, float(means.max() - means.min())),
        differs("weight_differs_from_bias", w["weight"], w["bias"], 0.5),
        differs("weight_is_not_ones", w["weight"], torch.ones(d, dtype=torch.float64), 0.3),
        check_true("no_eps_gives_nan_on_a_constant_vector", bool(torch.isnan((const - const.mean(-1, keepdim=True))
                                                                             / const.var(-1).sqrt()[:, None]).all())),
        check_true("float32_and_float64_inputs", {c.args["x"].dtype for c in all_cases} == {torch.float32, torch.float64}),
        check_true("length_one_dims_present", any(1 in c.args["x"].shape for c in all_cases)),
    ]
