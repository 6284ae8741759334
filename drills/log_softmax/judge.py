"""Judge for log-softmax: exp of the output sums to one along dim, the dim argument, finite on logits
1e4 apart (where log(softmax) underflows), shift invariance, in-place edits, dtype and shape."""

import torch
from _judge import (
    Case,
    all_finite,
    check_true,
    compare,
    differs,
    generator,
    holds,
    inputs_unchanged,
    randn,
    same_shape_and_dtype,
    sibling,
    sums_to_one,
    unchanged_by,
)

reference = sibling(__file__, "reference").log_softmax


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    shapes = [((7,), -1), ((3, 5), -1), ((2, 3, 7), -1), ((4, 1), -1), ((2, 3, 5), 1), ((4, 3), 0), ((1, 9), -1)]
    return [Case({"x": randn(g, *shape, dtype=torch.float64 if i % 2 == 0 else torch.float32, scale=2.0)}, {"dim": d})
            for i, (shape, d) in enumerate(shapes)]  # fmt: skip


def extreme(seed: int) -> list[Case]:
    """Logits 1e4 apart: the answer is finite (about -1e4), but softmax underflows to 0 and exp overflows."""
    g = generator(seed + 1000)
    apart = torch.tensor([[1e4, 0.0, -1e4, 5.0], [-1e4, 1e4, 3.0, 2.0]], dtype=torch.float32)
    big = randn(g, 3, 6, dtype=torch.float32, scale=3.0) + 1e4
    return [Case({"x": apart}, {"dim": -1}), Case({"x": big}, {"dim": -1}), Case({"x": apart.double().T}, {"dim": 0})]


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 7)
    x3 = randn(g, 3, 4, 5, scale=2.0)
    x = all_cases[1].args["x"]
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["x"].shape), c.args["x"].dtype) for c in all_cases]),  # fmt: skip
        inputs_unchanged("input_not_modified", impl, all_cases[2]),
        sums_to_one("exp_rows_sum_to_one", impl, [(c, c.kwargs["dim"]) for c in all_cases], transform=torch.exp),
        compare("respects_dim", impl, reference, [Case({"x": x3}, {"dim": d}) for d in (0, 1, -1)], atol=1e-9),
        all_finite("finite_on_extreme_inputs", impl, extreme(seed)),
        holds("never_positive", impl, all_cases, lambda out, c: None if bool((out <= 1e-6).all()) else
              f"largest entry {float(out.max()):.3g} > 0"),  # fmt: skip
        unchanged_by("shift_invariant", impl, Case({"x": x}, {"dim": -1}), Case({"x": x + 1000.0}, {"dim": -1}),
                     atol=1e-3, note="log_softmax(x + c) = log_softmax(x)"),  # fmt: skip
        compare("matches_reference", impl, reference, all_cases + extreme(seed), atol=1e-5, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 7)
    x3 = randn(g, 3, 4, 5, scale=2.0)
    x = all_cases[1].args["x"]
    e = torch.exp(x - x.amax(-1, keepdim=True))
    return [
        check_true("log_of_softmax_is_minus_inf_on_extreme_inputs",
                   all(torch.isinf(torch.log(torch.softmax(c.args["x"], c.kwargs["dim"]))).any()
                       for c in extreme(seed)[:1])),  # fmt: skip
        check_true("naive_exp_overflows_on_extreme_inputs", all(torch.isinf(torch.exp(c.args["x"])).any()
                                                                for c in extreme(seed))),  # fmt: skip
        differs("dim_choice_matters", reference(x3, 0), reference(x3, -1), 1e-3),
        differs("forgetting_the_max_moves_output", x - torch.log(e.sum(-1, keepdim=True)), reference(x, -1), 1e-3),
        check_true("float32_and_float64_inputs", {c.args["x"].dtype for c in all_cases} == {torch.float32, torch.float64}),
    ]
