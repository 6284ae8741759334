"""Judge for the AdamW drill: three new tensors back, inputs untouched, both moments, bias correction from
step 1, eps outside the square root, decoupled weight decay scaled by lr; the reference is checked against
torch.optim.AdamW over several steps in informative()."""

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

reference = sibling(__file__, "reference").adamw_step
NAMES = ("param", "exp_avg", "exp_avg_sq")


def part(fn, i: int):
    """The i-th tensor of fn's (param, exp_avg, exp_avg_sq) tuple, as a function the toolkit can compare."""

    def one(*args, **kwargs):
        out = fn(*args, **kwargs)
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and all(isinstance(t, torch.Tensor) for t in out)):
            raise TypeError(f"returned {type(out).__name__}; expected a tuple (param, exp_avg, exp_avg_sq) of tensors")
        return out[i]

    one.__name__ = f"adamw_step[{NAMES[i]}]"
    return one


def state(g, *shape, dtype=torch.float64, grad_scale=1.0, first=False):
    """param, grad and the moment buffers: fresh (zeros, as at step 1) or warmed up (positive v)."""
    p = randn(g, *shape, dtype=dtype)
    gr = randn(g, *shape, dtype=dtype, scale=grad_scale)
    if first:
        m, v = torch.zeros(shape, dtype=dtype), torch.zeros(shape, dtype=dtype)
    else:
        m = randn(g, *shape, dtype=dtype, scale=0.1 * grad_scale)
        v = randn(g, *shape, dtype=dtype, scale=0.1 * grad_scale) ** 2 + (0.05 * grad_scale) ** 2
    return {"param": p, "grad": gr, "exp_avg": m, "exp_avg_sq": v}


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, (shape, step) in enumerate([((5,), 1), ((3, 4), 2), ((2, 3, 5), 10), ((1,), 1), ((4, 1), 100)]):
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        out.append(Case({**state(g, *shape, dtype=dtype, first=step == 1), "step": step},
                        {"lr": 0.01, "weight_decay": 0.1}))
    return out


def returns_three(name, impl, cases_):
    for case in cases_:
        try:
            raw = impl(*[v.clone() if isinstance(v, torch.Tensor) else v for v in case.args.values()],
                       **(case.kwargs or {}))
        except Exception as exc:  # noqa: BLE001  (the learner's code may raise anything)
            return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
        except SystemExit as exc:
            return failed(name, f"called sys.exit({exc.code!r}) instead of returning")
        if not (isinstance(raw, (tuple, list)) and len(raw) == 3 and all(isinstance(t, torch.Tensor) for t in raw)):
            return failed(name, f"returned {type(raw).__name__}; expected a tuple (param, exp_avg, exp_avg_sq) of tensors")
        p = case.args["param"]
        for t, n in zip(raw, NAMES, strict=True):
            if t.shape != p.shape or t.dtype != p.dtype:
                return failed(name, f"{n} has shape {tuple(t.shape)} {t.dtype}; expected {tuple(p.shape)} {p.dtype}")
    return passed(name)


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 5)
    all_cases = cases(seed)
    warm = Case({**state(g, 3, 4), "step": 3}, {"lr": 0.01, "weight_decay": 0.0})
    first = [Case({**state(g, 4, 3, first=True), "step": 1}, {"lr": 0.01, "weight_decay": 0.0}),
             Case({**state(g, 2, 5), "step": 2}, {"lr": 0.01, "weight_decay": 0.0})]
    tiny = Case({**state(g, 3, 3, grad_scale=1e-7), "step": 5}, {"lr": 0.01, "eps": 1e-6, "weight_decay": 0.0})
    no_grad = {**state(g, 2, 4), "step": 4}
    no_grad["grad"] = torch.zeros(2, 4, dtype=torch.float64)
    decay = [Case(no_grad, {"lr": 0.1, "weight_decay": 0.1}),
             Case({**state(g, 3, 2), "step": 7}, {"lr": 0.05, "weight_decay": 0.3})]
    p, m, v = (part(impl, i) for i in range(3))
    rp, rm, rv = (part(reference, i) for i in range(3))
    return [
        returns_three("returns_three_tensors", impl, all_cases),
        inputs_unchanged("inputs_not_modified", p, all_cases[2]),
        compare("first_moment", m, rm, [warm] + all_cases, atol=1e-6, rtol=1e-5),
        compare("second_moment_of_squares", v, rv, [warm] + all_cases, atol=1e-6, rtol=1e-5),
        compare("bias_correction", p, rp, first, atol=1e-9, rtol=1e-9),
        compare("eps_outside_sqrt", p, rp, [tiny], atol=1e-7, rtol=1e-7),
        compare("decoupled_weight_decay", p, rp, decay, atol=1e-9, rtol=1e-9),
        compare("matches_reference", p, rp, all_cases, atol=1e-6, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 11)
    # the reference against torch.optim.AdamW over 5 steps
    p0 = randn(g, 4, 3)
    grads = [randn(g, 4, 3) for _ in range(5)]
    ours = p0.clone()
    m, v = torch.zeros_like(p0), torch.zeros_like(p0)
    for t, gr in enumerate(grads, start=1):
        ours, m, v = reference(ours, gr, m, v, t, lr=0.01, weight_decay=0.1)
    param = torch.nn.Parameter(p0.clone())
    opt = torch.optim.AdamW([param], lr=0.01, weight_decay=0.1)
    for gr in grads:
        param.grad = gr.clone()
        opt.step()
    gg = generator(seed + 5)
    state(gg, 3, 4)
    first = state(gg, 4, 3, first=True)
    state(gg, 2, 5)
    tiny = state(gg, 3, 3, grad_scale=1e-7)
    mt = 0.9 * tiny["exp_avg"] + 0.1 * tiny["grad"]
    vt = 0.999 * tiny["exp_avg_sq"] + 0.001 * tiny["grad"] ** 2
    inside = tiny["param"] - 0.01 * (mt / (1 - 0.9**5)) / (vt / (1 - 0.999**5) + 1e-6).sqrt()
    m1 = 0.1 * first["grad"]
    no_corr = first["param"] - 0.01 * m1 / ((0.001 * first["grad"] ** 2).sqrt() + 1e-8)
    return [
        check_true("reference_equals_torch_adamw", bool((ours - param.detach()).abs().max() < 1e-12)),
        differs("eps_inside_sqrt_moves_update", inside,
                reference(tiny["param"], tiny["grad"], tiny["exp_avg"], tiny["exp_avg_sq"], 5, lr=0.01, eps=1e-6,
                          weight_decay=0.0)[0], 1e-5),
        differs("bias_correction_moves_first_step", no_corr,
                reference(first["param"], first["grad"], first["exp_avg"], first["exp_avg_sq"], 1, lr=0.01,
                          weight_decay=0.0)[0], 1e-3),
        check_true("moments_start_at_zero_on_step_one", bool((first["exp_avg"] == 0).all())),
    ]
