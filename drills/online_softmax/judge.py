"""Judge for the online-softmax drill: the learner's step is driven over key blocks from the initial state
(m = -inf, l = 0, acc = 0) and the result compared with full softmax attention; each part of the state (max,
rescaled sum, rescaled accumulator) is compared with the reference step on its own, with blocks whose
maxima grow, with scores of ±1000, and in another block order."""

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

reference = sibling(__file__, "reference").online_softmax_step


def start(T, dv, dtype):
    return torch.full((T,), float("-inf"), dtype=dtype), torch.zeros(T, dtype=dtype), torch.zeros(T, dv, dtype=dtype)


def drive(step, s, v, block, order=None):
    """Feed the scores (T, S) and values (S, d_v) block by block; acc / l at the end."""
    T, S = s.shape
    m, l, acc = start(T, v.shape[1], s.dtype)  # noqa: E741
    starts = list(range(0, S, block))
    for b in (order or range(len(starts))):
        i = starts[b]
        out = step(m.clone(), l.clone(), acc.clone(), s[:, i:i + block].clone(), v[i:i + block].clone())
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and all(isinstance(t, torch.Tensor) for t in out)):
            raise TypeError(f"returned {type(out).__name__}; expected a tuple (m, l, acc) of tensors")
        m, l, acc = out  # noqa: E741
    return acc / l[:, None]


def attention(step):
    def f(s, v, block, order=None):
        return drive(step, s, v, block, order)

    return f


def full(s, v, block=None, order=None):
    return torch.softmax(s, dim=-1) @ v


def part(fn, i):
    def one(m, l, acc, s, v):  # noqa: E741
        out = fn(m, l, acc, s, v)
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and all(isinstance(t, torch.Tensor) for t in out)):
            raise TypeError(f"returned {type(out).__name__}; expected a tuple (m, l, acc) of tensors")
        return out[i]

    return one


def growing(g, T, S, dv, dtype=torch.float64, scale=3.0):
    """Scores whose row maxima grow block after block, so every step has to rescale."""
    s = randn(g, T, S, dtype=dtype) + torch.linspace(0, scale * 4, S, dtype=dtype)
    return s, randn(g, S, dv, dtype=dtype)


def mid_state(g, T, dv, dtype=torch.float64):
    """A state after some blocks: finite max, positive sum, nonzero accumulator."""
    m = randn(g, T, dtype=dtype)
    return m, torch.rand(T, generator=g, dtype=dtype) * 3 + 0.5, randn(g, T, dv, dtype=dtype)


def returns_state(name, impl, cases_):
    for T, B, dv, dtype in cases_:
        g = generator(T * 100 + B)
        m, l, acc = mid_state(g, T, dv, dtype)  # noqa: E741
        try:
            out = impl(m, l, acc, randn(g, T, B, dtype=dtype), randn(g, B, dv, dtype=dtype))
        except SystemExit as exc:
            return failed(name, f"called sys.exit({exc.code!r}) instead of returning")
        except Exception as exc:  # noqa: BLE001  (the learner's code may raise anything)
            return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and all(isinstance(t, torch.Tensor) for t in out)):
            return failed(name, f"returned {type(out).__name__}; expected a tuple (m, l, acc) of tensors")
        want = [((T,), dtype), ((T,), dtype), ((T, dv), dtype)]
        got = [(tuple(t.shape), t.dtype) for t in out]
        if got != want:
            return failed(name, f"returned shapes/dtypes {got}; expected {want}")
    return passed(name)


def run(impl, seed: int = 0) -> list:
    g = generator(seed)
    state = mid_state(g, 4, 3)
    grow_s = randn(g, 4, 5) + 4.0  # block maxima above the state's maxima: the correction is < 1
    step_case = Case({"m": state[0], "l": state[1], "acc": state[2], "s": grow_s, "v": randn(g, 5, 3)})
    mixed_s = grow_s - 8.0 * (torch.arange(4, dtype=torch.float64) % 2)[:, None]  # odd rows: block max below m
    mixed = Case({"m": state[0], "l": state[1], "acc": state[2], "s": mixed_s, "v": randn(g, 5, 3)})
    s1, v1 = randn(g, 3, 6), randn(g, 6, 2)
    sg, vg = growing(g, 5, 12, 3)
    big = randn(g, 4, 10) * 1000.0  # scores of ±1000
    vb = randn(g, 10, 3)
    sr, vr = randn(g, 6, 15, scale=2.0), randn(g, 15, 4)
    f32 = torch.float32
    shapes = [Case({"s": randn(g, 1, 1), "v": randn(g, 1, 2)}, {"block": 1}),
              Case({"s": randn(g, 3, 7, dtype=f32), "v": randn(g, 7, 5, dtype=f32)}, {"block": 3}),
              Case({"s": randn(g, 8, 16), "v": randn(g, 16, 4)}, {"block": 4}),
              Case({"s": randn(g, 2, 9), "v": randn(g, 9, 1)}, {"block": 9})]
    return [
        returns_state("returns_state", impl, [(4, 5, 3, torch.float64), (1, 1, 2, torch.float32)]),
        inputs_unchanged("inputs_not_modified", part(impl, 2), step_case),
        compare("running_max", part(impl, 0), part(reference, 0), [step_case, mixed], atol=1e-12),
        compare("running_sum_rescaled", part(impl, 1), part(reference, 1), [step_case, mixed], atol=1e-10, rtol=1e-10),
        compare("accumulator_rescaled", part(impl, 2), part(reference, 2), [step_case, mixed], atol=1e-10, rtol=1e-10),
        compare("single_block_is_softmax", attention(impl), full, [Case({"s": s1, "v": v1}, {"block": 6})], atol=1e-10),
        compare("stable_with_large_scores", attention(impl), full, [Case({"s": big, "v": vb}, {"block": 3})], atol=1e-9),
        compare("block_order_does_not_matter", attention(impl), full,
                [Case({"s": sr, "v": vr}, {"block": 5, "order": [2, 0, 1]})], atol=1e-9),
        compare("matches_full_attention", attention(impl), full, [Case({"s": sg, "v": vg}, {"block": 4})] + shapes,
                atol=1e-5, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed)
    state = mid_state(g, 4, 3)
    grow_s = randn(g, 4, 5) + 4.0
    m_new = torch.maximum(state[0], grow_s.amax(-1))
    big = (randn(generator(seed + 1), 4, 10) * 1000.0)
    return [
        check_true("block_raises_every_row_max", bool((m_new > state[0]).all())),
        differs("correction_is_far_from_one", torch.exp(state[0] - m_new), torch.ones(4, dtype=torch.float64), 0.5),
        check_true("plain_exp_overflows_on_large_scores", bool(torch.isinf(torch.exp(big)).any())),
        check_true("mixed_block_keeps_some_row_maxima",
                   bool((torch.maximum(state[0], (grow_s - 8.0 * (torch.arange(4, dtype=torch.float64) % 2)[:, None])
                                       .amax(-1)) == state[0]).any())),
    ]
