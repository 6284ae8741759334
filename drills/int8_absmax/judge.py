"""Judge for the int8 absmax drill: (int8 codes, keepdim scale) back, input untouched, codes in
[-127, 127], the scale from the largest magnitude of each slice, the full range used, round to nearest,
error within half a step, zero slices handled; codes and scales compared with the reference."""

import torch
from _judge import (
    Case,
    check_true,
    compare,
    differs,
    failed,
    first_line,
    generator,
    inputs_unchanged,
    passed,
    randn,
    sibling,
)

reference = sibling(__file__, "reference").quantize_int8


def both(fn, case):
    """fn's (q, scale), or a one-line reason why not."""
    try:
        out = fn(case.args["x"].clone(), **(case.kwargs or {}))
    except SystemExit as exc:
        return f"called sys.exit({exc.code!r}) instead of returning"
    except Exception as exc:  # noqa: BLE001  (the learner's code may raise anything)
        return f"raised {type(exc).__name__}: {first_line(str(exc))}"
    if not (isinstance(out, (tuple, list)) and len(out) == 2 and all(isinstance(t, torch.Tensor) for t in out)):
        return f"returned {type(out).__name__}; expected a tuple (q, scale) of two tensors"
    return out


def part(fn, i: int):
    def one(x, dim=-1):
        out = both(fn, Case({"x": x}, {"dim": dim}))
        if isinstance(out, str):
            raise TypeError(out)
        return out[i]

    return one


def dequantised(fn):
    def dq(x, dim=-1):
        out = both(fn, Case({"x": x}, {"dim": dim}))
        if isinstance(out, str):
            raise TypeError(out)
        q, scale = out
        return q.to(x.dtype) * scale

    return dq


def codes_and_scale(fn):
    """q and scale side by side as one float64 vector, so both can be compared at once."""

    def both_flat(x, dim=-1):
        out = both(fn, Case({"x": x}, {"dim": dim}))
        if isinstance(out, str):
            raise TypeError(out)
        return torch.cat([out[0].double().flatten(), out[1].double().flatten()])

    return both_flat


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, (shape, dim) in enumerate([((4, 16), -1), ((3, 5, 8), -1), ((6, 4), 0), ((1, 7), -1), ((9,), -1),
                                      ((2, 3, 4), 1)]):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        x = randn(g, *shape, dtype=dtype) * (torch.rand(*shape[:-1], 1, generator=g, dtype=dtype) * 4 + 0.1)
        out.append(Case({"x": x}, {"dim": dim}))
    return out


def property_check(name, impl, cases_, test, why):
    """test(x, q, scale, dim) -> None if fine, else a short reason; checked on every case."""
    for case in cases_:
        out = both(impl, case)
        if isinstance(out, str):
            return failed(name, out)
        q, scale = out
        reason = test(case.args["x"], q, scale, case.kwargs["dim"])
        if reason:
            return failed(name, f"{why}: {reason}")
    return passed(name)


def returns_pair(x, q, scale, dim):
    return None


def int8_codes(x, q, scale, dim):
    if q.dtype != torch.int8:
        return f"q is {q.dtype}"
    if q.shape != x.shape:
        return f"q has shape {tuple(q.shape)}, x has {tuple(x.shape)}"
    return None


def keepdim_scale(x, q, scale, dim):
    want = list(x.shape)
    want[dim] = 1
    if list(scale.shape) != want or scale.dtype != x.dtype:
        return f"scale has shape {tuple(scale.shape)} {scale.dtype}; expected {tuple(want)} {x.dtype}"
    return None


def in_range(x, q, scale, dim):
    lo, hi = int(q.to(torch.int32).min()), int(q.to(torch.int32).max())
    return None if lo >= -127 and hi <= 127 else f"codes span [{lo}, {hi}]"


def full_range(x, q, scale, dim):
    peak = q.to(torch.int32).abs().amax(dim=dim)
    nonzero = x.abs().amax(dim=dim) > 0
    bad = peak[nonzero] != 127
    return f"largest |code| per slice is {peak[nonzero][bad][:3].tolist()}, not 127" if bool(bad.any()) else None


def half_step(x, q, scale, dim):
    err = (q.to(x.dtype) * scale - x).abs()
    limit = scale / 2 * (1 + 1e-6) + 1e-12
    bad = err > limit
    return f"error up to {float((err / scale).max()):.3g} steps (at most 0.5)" if bool(bad.any()) else None


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 9)
    all_cases = cases(seed)
    negative = randn(g, 3, 8) * 0.5
    negative[:, 2] = torch.tensor([-6.0, -4.5, -9.0], dtype=torch.float64)  # the extreme is negative in every row
    rows = randn(g, 4, 8) * torch.tensor([[0.01], [1.0], [10.0], [0.1]], dtype=torch.float64)  # very different rows
    zero = randn(g, 3, 5)
    zero[1] = 0.0
    dq, rdq = dequantised(impl), dequantised(reference)
    q = part(impl, 0)
    return [
        property_check("returns_codes_and_scale", impl, all_cases[:1], returns_pair, "not a (q, scale) pair"),
        property_check("codes_are_int8", impl, all_cases, int8_codes, "codes"),
        property_check("scale_shape_keepdim", impl, all_cases, keepdim_scale, "scale"),
        inputs_unchanged("input_not_modified", q, all_cases[1]),
        property_check("codes_within_int8_range", impl, all_cases, in_range, "codes outside [-127, 127]"),
        compare("absmax_covers_negative_values", dq, rdq, [Case({"x": negative}, {"dim": -1})], atol=1e-9),
        compare("one_scale_per_slice", part(impl, 1), part(reference, 1), [Case({"x": rows}, {"dim": -1}),
                                                                           Case({"x": rows.T.contiguous()}, {"dim": 0})],
                atol=1e-12),
        property_check("uses_full_range", impl, all_cases, full_range, "range"),
        compare("rounds_to_nearest", q, part(reference, 0), all_cases, atol=0, rtol=0),
        property_check("error_within_half_step", impl, all_cases, half_step, "round trip"),
        compare("finite_on_zero_slice", codes_and_scale(impl), codes_and_scale(reference),
                [Case({"x": zero}, {"dim": -1})], atol=1e-9),
        compare("matches_reference", dq, rdq, all_cases, atol=1e-6, rtol=1e-6),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 9)
    all_cases = cases(seed)
    negative = randn(g, 3, 8) * 0.5
    negative[:, 2] = torch.tensor([-6.0, -4.5, -9.0], dtype=torch.float64)
    rows = randn(g, 4, 8) * torch.tensor([[0.01], [1.0], [10.0], [0.1]], dtype=torch.float64)
    x = all_cases[0].args["x"]
    q, s = reference(x)
    trunc = (x / s).clamp(-127, 127).to(torch.int8)
    zero = randn(g, 3, 5)
    zero[1] = 0.0
    zero_scale = zero.abs().amax(-1) / 127
    return [
        check_true("extreme_is_negative_in_every_row", bool((negative.amax(-1) < negative.abs().amax(-1)).all())),
        check_true("rows_differ_in_scale", float(rows.abs().amax(-1).max() / rows.abs().amax(-1).min()) > 50),
        differs("truncation_changes_codes", trunc.double(), q.double(), 0.5),
        check_true("float32_and_float64_inputs", {c.args["x"].dtype for c in all_cases} == {torch.float32, torch.float64}),
        check_true("naive_zero_slice_gives_zero_scale", bool((zero_scale == 0).any())),
        check_true("dims_other_than_last", any(c.kwargs["dim"] != -1 for c in all_cases)),
    ]

