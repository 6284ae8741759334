"""Judge for the clip-by-global-norm drill: a new list of same-shaped tensors, inputs untouched, small
gradients left alone, the clipped global norm equal to max_norm, one global factor (not per tensor), the
direction kept; the reference is checked against torch.nn.utils.clip_grad_norm_ in informative()."""

import torch
from _judge import (
    Case,
    DrillCheck,
    check_true,
    compare,
    differs,
    failed,
    first_line,
    generator,
    passed,
    randn,
    sibling,
)

reference = sibling(__file__, "reference").clip_grad_norm


def listed(fn):
    """fn's list of tensors as one flat tensor (so the toolkit can compare it); TypeError on anything else."""

    def flat(grads, max_norm):
        out = fn(grads, max_norm)
        if not (isinstance(out, (list, tuple)) and all(isinstance(t, torch.Tensor) for t in out)):
            raise TypeError(f"returned {type(out).__name__}; expected a list of tensors")
        if len(out) != len(grads):
            raise TypeError(f"returned {len(out)} tensors for {len(grads)} gradients")
        return torch.cat([t.reshape(-1).to(grads[0].dtype) for t in out]) if out else torch.zeros(0)

    return flat


def grads(g, shapes, dtype=torch.float64, scales=None):
    scales = scales or [1.0] * len(shapes)
    return [randn(g, *s, dtype=dtype, scale=k) for s, k in zip(shapes, scales, strict=True)]


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, (shapes, scales, max_norm) in enumerate([
        ([(3, 4), (4,)], [1.0, 1.0], 1.0),
        ([(2, 3, 2), (5,), (1,)], [3.0, 0.2, 1.0], 2.0),
        ([(6,)], [0.1], 5.0),  # below the threshold: unchanged
        ([(4, 4), (2, 2)], [10.0, 0.01], 0.5),  # very different sizes
        ([(1, 1), (7,)], [1.0, 2.0], 100.0),
    ]):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        out.append(Case({"grads": grads(g, shapes, dtype, scales), "max_norm": max_norm}))
    return out


def returns_same_shapes(name, impl, cases_):
    for case in cases_:
        gs = [t.clone() for t in case.args["grads"]]
        try:
            out = impl(gs, case.args["max_norm"])
        except SystemExit as exc:
            return failed(name, f"called sys.exit({exc.code!r}) instead of returning")
        except Exception as exc:  # noqa: BLE001  (the learner's code may raise anything)
            return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
        if not (isinstance(out, (list, tuple)) and all(isinstance(t, torch.Tensor) for t in out)):
            return failed(name, f"returned {type(out).__name__}; expected a list of tensors")
        want = [(tuple(t.shape), t.dtype) for t in case.args["grads"]]
        got = [(tuple(t.shape), t.dtype) for t in out]
        if got != want:
            return failed(name, f"returned {got}; expected {want}")
    return passed(name)


def inputs_not_modified(name, impl, case):
    live = [t.clone() for t in case.args["grads"]]
    try:
        impl(live, case.args["max_norm"])
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
    for i, (before, after) in enumerate(zip(case.args["grads"], live, strict=True)):
        if not torch.equal(before, after):
            return failed(name, f"gradient {i} was modified in place")
    return passed(name)


def clipped_norm(name, impl, case):
    """The returned tensors' global L2 norm equals max_norm (the input's norm is well above it)."""
    try:
        out = Case(case.args).call(listed(impl))
    except Exception as exc:  # noqa: BLE001  (Failed, with the learner's error)
        return failed(name, str(exc))
    norm = float(out.double().norm())
    want = case.args["max_norm"]
    ok = abs(norm - want) <= 1e-4 * want
    return DrillCheck(name, want, norm, 1e-4 * want, ok, "" if ok else f"global norm after clipping is {norm:.6g}", "≈")


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 2)
    all_cases = cases(seed)
    small = [Case({"grads": grads(g, [(3,), (2, 2)], scales=[0.1, 0.1]), "max_norm": 5.0})]
    uneven = Case({"grads": grads(g, [(4, 4), (3,)], scales=[5.0, 0.05]), "max_norm": 1.0})
    many = Case({"grads": grads(g, [(2, 2), (3,), (2, 3)], scales=[2.0, 2.0, 2.0]), "max_norm": 1.5})
    flat = listed(impl)
    return [
        returns_same_shapes("returns_same_shapes", impl, all_cases),
        inputs_not_modified("inputs_not_modified", impl, all_cases[1]),
        compare("leaves_small_gradients_alone", flat, listed(reference), small, atol=0, rtol=0),
        clipped_norm("norm_after_clipping_is_max", impl, many),
        compare("global_norm_not_per_tensor", flat, listed(reference), [uneven, many], atol=1e-6, rtol=1e-6),
        compare("keeps_direction", flat, listed(reference), [uneven], atol=1e-6, rtol=1e-6),
        compare("matches_reference", flat, listed(reference), all_cases, atol=1e-6, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 2)
    grads(g, [(3,), (2, 2)], scales=[0.1, 0.1])
    uneven = grads(g, [(4, 4), (3,)], scales=[5.0, 0.05])
    many = grads(g, [(2, 2), (3,), (2, 3)], scales=[2.0, 2.0, 2.0])
    params = [torch.nn.Parameter(torch.zeros_like(t)) for t in uneven]
    for p, t in zip(params, uneven, strict=True):
        p.grad = t.clone()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    ours = torch.cat([t.reshape(-1) for t in reference(uneven, 1.0)])
    theirs = torch.cat([p.grad.reshape(-1) for p in params])
    per_tensor = torch.cat([(t * min(1.0, 1.0 / (float(t.norm()) + 1e-6))).reshape(-1) for t in uneven])
    total = float(torch.sqrt(sum((t ** 2).sum() for t in many)))
    return [
        check_true("reference_equals_clip_grad_norm_", bool((ours - theirs).abs().max() < 1e-12)),
        differs("per_tensor_clipping_differs", per_tensor, ours, 1e-2),
        check_true("many_case_is_above_threshold", total > 1.5 * 2),
        check_true("norms_of_sum_and_sum_of_norms_differ",
                   abs(sum(float(t.norm()) for t in many) - total) > 0.5),
        check_true("clamping_bends_direction", bool((torch.cat([t.clamp(-1, 1).reshape(-1) for t in uneven])
                                                     - ours).abs().max() > 1e-2)),
    ]
