"""Judge for the softmax drill: reference on several shapes and dtypes, plus the properties a learner
gets wrong (rows sum to one, the dim argument, overflow on large logits, in-place edits, dtype)."""

import torch
from _judge import (
    Case,
    all_finite,
    check_true,
    compare,
    differs,
    generator,
    inputs_unchanged,
    not_one_hot,
    randn,
    same_shape_and_dtype,
    sibling,
    sums_to_one,
    unchanged_by,
)

reference = sibling(__file__, "reference").softmax


def cases(seed: int) -> list[Case]:
    """Random logits of several shapes: a vector, a batch, 3-D along each dim, a length-1 axis."""
    g = generator(seed)
    shapes = [((7,), -1), ((3, 5), -1), ((2, 3, 7), -1), ((4, 1), -1), ((1, 9), -1), ((2, 3, 5), 1), ((4, 3), 0)]
    out = []
    for i, (shape, dim) in enumerate(shapes):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        x = randn(g, *shape, dtype=dtype, scale=1.5).clamp(-2.0, 2.0)  # gaps <= 4: no row is one-hot
        out.append(Case({"x": x}, {"dim": dim}))
    return out


def extreme(seed: int) -> list[Case]:
    """Logits of 1e4 (and -1e4): finite answers, but exp overflows without the max trick."""
    g = generator(seed + 1000)
    big = randn(g, 3, 6, dtype=torch.float32, scale=3.0) + 1e4
    mixed = torch.tensor([[1e4, -1e4, 0.0, 9999.0], [-1e4, -1e4 + 1, -1e4 + 2, -1e4]], dtype=torch.float32)
    return [Case({"x": big}, {"dim": -1}), Case({"x": mixed}, {"dim": -1}), Case({"x": big.double() * 10}, {"dim": 0})]


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 7)
    x3 = randn(g, 3, 4, 5, scale=2.0)  # (3, 4, 5): every dim a different size
    shifted = all_cases[1].args["x"]
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["x"].shape), c.args["x"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[2]),
        sums_to_one("rows_sum_to_one", impl, [(c, c.kwargs["dim"]) for c in all_cases]),
        compare("respects_dim", impl, reference, [Case({"x": x3}, {"dim": d}) for d in (0, 1, -1)], atol=1e-9),
        all_finite("finite_on_extreme_inputs", impl, extreme(seed)),
        unchanged_by("shift_invariant", impl, Case({"x": shifted}, {"dim": -1}), Case({"x": shifted + 1000.0}, {"dim": -1}),
                     atol=1e-5, note="softmax(x + c) = softmax(x)"),
        compare("matches_reference", impl, reference, all_cases + extreme(seed), atol=1e-6, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 7)
    x3 = randn(g, 3, 4, 5, scale=2.0)
    probs = [(reference(c.args["x"], c.kwargs["dim"]), c.kwargs["dim"]) for c in all_cases
             if c.args["x"].shape[c.kwargs["dim"]] > 1]  # a length-1 axis is one-hot by definition
    x = all_cases[1].args["x"]
    e = torch.exp(x - x.max())
    return [
        not_one_hot("no_softmax_row_is_one_hot", torch.stack([p.amax(d).max() for p, d in probs])),
        check_true("naive_exp_overflows_on_extreme_inputs",
                   all(torch.isinf(torch.exp(c.args["x"])).any() for c in extreme(seed))),
        differs("dim_choice_matters", reference(x3, 0).sum(0), reference(x3, -1).sum(0), 1e-3),
        differs("whole_tensor_normalisation_differs", e / e.sum(), reference(x, -1), 1e-3),
        check_true("float32_and_float64_inputs", {c.args["x"].dtype for c in all_cases} == {torch.float32, torch.float64}),
        check_true("length_one_axis_present", any(c.args["x"].shape[c.kwargs["dim"]] == 1 for c in all_cases)),
    ]
