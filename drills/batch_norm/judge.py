"""Judge for the BatchNorm drill: one mean and variance per channel (over N, and L for 3-D input), the biased
variance to normalise, eps inside the square root, weight and bias per channel, the running statistics
updated with momentum as PyTorch defines it and the unbiased variance, eval mode using only the running
statistics (a sample's output independent of its batch mates), no buffer modified in place; informative()
checks the reference against torch.nn.BatchNorm1d over several steps, train and eval, 2-D and 3-D."""

import torch
from _judge import (
    Case,
    DrillCheck,
    Failed,
    check_true,
    compare,
    differs,
    example_text,
    failed,
    first_line,
    generator,
    inputs_unchanged,
    passed,
    randn,
    sibling,
    unchanged_by,
)

reference = sibling(__file__, "reference").batch_norm
NAMES = ("y", "new_running_mean", "new_running_var")


def part(fn, i: int):
    """The i-th tensor of fn's (y, new_running_mean, new_running_var), as a function the toolkit can compare."""

    def one(*args, **kwargs):
        out = fn(*args, **kwargs)
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and all(isinstance(t, torch.Tensor) for t in out)):
            raise TypeError(f"returned {type(out).__name__}; expected a tuple (y, new_running_mean, new_running_var)")
        return out[i]

    one.__name__ = f"batch_norm[{NAMES[i]}]"
    return one


def joined(fn, parts=(0, 1, 2)):
    """The chosen outputs flattened into one tensor (all three for the final comparison)."""

    def flat(*args, **kwargs):
        out = fn(*args, **kwargs)
        return torch.cat([part(lambda *a, **k: out, i)().reshape(-1) for i in parts])

    return flat


def batch(g, shape, dtype=torch.float64, scale=1.0):
    """x whose channels have their own offsets and scales and, for (N, C, L), positions with their own offsets
    too: statistics per channel, per (channel, position) and per sample all differ."""
    C = shape[1]
    lead = (1, C) if len(shape) == 2 else (1, C, 1)
    spread = torch.rand(*lead, generator=g, dtype=dtype) * 2 + 0.5
    x = randn(g, *shape, dtype=dtype) * spread + randn(g, *lead, dtype=dtype) * 3
    if len(shape) == 3:
        x = x + randn(g, 1, C, shape[2], dtype=dtype) * 2
    return x * scale


def layer(g, shape, training, dtype=torch.float64, affine=True, scale=1.0):
    """Arguments for one call: running statistics far from the batch's (and running_var not 1), and a weight
    far from 1 and a bias far from 0 that differ from each other (or 1 and 0 when affine=False)."""
    C = shape[1]
    x = batch(g, shape, dtype, scale)
    rm = randn(g, C, dtype=dtype) * 2 - 3
    rv = torch.rand(C, generator=g, dtype=dtype) * 3 + 0.3
    if affine:
        w, b = randn(g, C, dtype=dtype) * 0.5 + 1.5, randn(g, C, dtype=dtype) - 0.5
    else:
        w, b = torch.ones(C, dtype=dtype), torch.zeros(C, dtype=dtype)
    return {"x": x, "running_mean": rm, "running_var": rv, "weight": w, "bias": b, "training": training}


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, (shape, training) in enumerate([((5, 3), True), ((2, 4), True), ((3, 4, 5), True), ((2, 3, 1), True),
                                           ((1, 2, 6), True), ((7, 1), True), ((4, 5, 4), True), ((1, 3), False),
                                           ((4, 5, 3), False), ((6, 2), False)]):  # fmt: skip
        dtype = torch.float64 if i % 2 == 0 else torch.float32
        out.append(Case(layer(g, shape, training, dtype), {"momentum": 0.1 if i % 3 else 0.3, "eps": 1e-5}))
    return out


def inputs(seed: int) -> dict:
    g = generator(seed + 7)
    mates = layer(g, (5, 3), False)
    moved = mates["x"].clone()
    moved[1:] += 5.0 + randn(g, 4, 3)  # sample 0 kept, its batch mates changed
    return {
        "axis": [Case(layer(g, (6, 3), True, affine=False)), Case(layer(g, (4, 3, 5), True, affine=False)),
                 Case(layer(g, (3, 2, 7), True, affine=False))],
        "biased": [Case(layer(g, (3, 4), True, affine=False, scale=10.0)),
                   Case(layer(g, (2, 3, 2), True, affine=False, scale=10.0))],
        "tiny": [Case({**layer(g, (4, 6), True, affine=False, scale=3e-3), "x": randn(g, 4, 6, scale=3e-3)})],
        "eval": [Case(layer(g, (1, 4), False)), Case(layer(g, (5, 3, 4), False)), Case(layer(g, (3, 6), False))],
        "mates": mates, "moved": moved,
        "affine": [Case(layer(g, (5, 4), True)), Case(layer(g, (3, 4, 4), True)), Case(layer(g, (2, 3, 5), True))],
        "running": [Case(layer(g, (4, 3), True)), Case(layer(g, (2, 3, 3), True), {"momentum": 0.3}),
                    Case(layer(g, (1, 2, 3), True)), Case(layer(g, (2, 5), True), {"momentum": 0.05})],
    }  # fmt: skip


def returns_three(name, impl, cases_):
    for case in cases_:
        args = {k: (v.clone() if isinstance(v, torch.Tensor) else v) for k, v in case.args.items()}
        try:
            out = impl(*args.values(), **(case.kwargs or {}))
        except SystemExit as exc:
            return failed(name, f"called sys.exit({exc.code!r}) instead of returning")
        except Exception as exc:  # noqa: BLE001  (the learner's code may raise anything)
            return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and all(isinstance(t, torch.Tensor) for t in out)):
            return failed(name, f"returned {type(out).__name__}; expected a tuple (y, new_running_mean, new_running_var)")
        x = case.args["x"]
        want = (tuple(x.shape), (x.shape[1],), (x.shape[1],))
        for t, n, shape in zip(out, NAMES, want, strict=True):
            if tuple(t.shape) != shape or t.dtype != x.dtype:
                return failed(name, f"{n} has shape {tuple(t.shape)} {t.dtype}; expected {shape} {x.dtype}")
    return passed(name)


def per_channel_affine(name, impl, cases_, atol=1e-6):
    """With weight 1 and bias 0 in training mode, each channel's output is ONE affine map of that channel's
    input (the same shift and scale for every sample and position) with mean 0 over the batch."""
    worst = 0.0
    for case in cases_:
        try:
            y = case.call(part(impl, 0))
        except Failed as exc:
            return failed(name, str(exc))
        x = case.args["x"]
        if y.shape != x.shape:
            return failed(name, f"y has shape {tuple(y.shape)}, expected {tuple(x.shape)}")
        for c in range(x.shape[1]):
            xc, yc = x[:, c].reshape(-1).double(), y[:, c].reshape(-1).double()
            xd = xc - xc.mean()
            slope = (xd * (yc - yc.mean())).sum() / (xd * xd).sum()
            residual = float((yc - yc.mean() - slope * xd).abs().max())
            err = max(residual, abs(float(yc.mean())))
            if not err <= atol:
                ex = example_text({"x[:, c]": x[:, c]}, "one shift and scale for the whole channel, mean 0",
                                  y[:, c]) if x[:, c].numel() <= 64 and x.dim() == 2 else ""  # fmt: skip
                return DrillCheck(name, 0.0, err, atol, False, f"shape {tuple(x.shape)}, channel {c}: the output is "
                                  f"not one shift and scale of the channel's values with mean 0 (off by {err:.3g})", "≈",
                                  ex)  # fmt: skip
            worst = max(worst, err)
    return DrillCheck(name, 0.0, worst, atol, True)


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    x = inputs(seed)
    y, m, v = (part(impl, i) for i in range(3))
    ry, rm, rv = (part(reference, i) for i in range(3))
    return [
        returns_three("shape_and_dtype_kept", impl, all_cases),
        inputs_unchanged("inputs_not_modified", y, all_cases[2]),
        compare("eval_uses_running_stats", y, ry, x["eval"], atol=1e-4, rtol=1e-4),  # eps placement: < 1e-4 relative
        unchanged_by("eval_sample_independent_of_batch", y, Case(x["mates"]), Case({**x["mates"], "x": x["moved"]}),
                     select=lambda t: t[:1], atol=1e-12, note="in eval, sample 0's output moved when only its batch "
                     "mates changed"),  # fmt: skip
        per_channel_affine("normalises_per_channel", impl, x["axis"]),
        compare("biased_variance_to_normalise", y, ry, x["biased"], atol=1e-6),
        compare("eps_inside_sqrt", y, ry, x["tiny"], atol=1e-4),
        compare("applies_weight_and_bias", y, ry, x["affine"], atol=1e-4, rtol=1e-4),
        compare("running_mean_momentum", m, rm, x["running"], atol=1e-9),
        compare("running_var_unbiased", v, rv, x["running"], atol=1e-9),
        compare("eval_keeps_running_stats", joined(impl, (1, 2)), joined(reference, (1, 2)), x["eval"], atol=1e-12),
        compare("matches_reference", joined(impl), joined(reference), all_cases, atol=1e-5, rtol=1e-4),
    ]


def torch_module_agrees(seed: int, shape: tuple, steps: int = 4) -> bool:
    """The reference against nn.BatchNorm1d: `steps` training steps (outputs and running buffers), then eval."""
    g = generator(seed + 21)
    C = shape[1]
    bn = torch.nn.BatchNorm1d(C, momentum=0.2, eps=1e-3).double()
    with torch.no_grad():
        bn.weight.copy_(randn(g, C) + 1.5)
        bn.bias.copy_(randn(g, C))
    rm, rv = bn.running_mean.clone(), bn.running_var.clone()
    ok = True
    for _ in range(steps):
        x = batch(g, shape)
        bn.train()
        want = bn(x).detach()
        got, rm, rv = reference(x, rm, rv, bn.weight.detach(), bn.bias.detach(), True, momentum=0.2, eps=1e-3)
        ok &= bool((got - want).abs().max() < 1e-10)
        ok &= bool((rm - bn.running_mean).abs().max() < 1e-12) and bool((rv - bn.running_var).abs().max() < 1e-12)
    x = batch(g, shape)
    bn.eval()
    got = reference(x, rm, rv, bn.weight.detach(), bn.bias.detach(), False, momentum=0.2, eps=1e-3)[0]
    return ok and bool((got - bn(x).detach()).abs().max() < 1e-10)


def informative(seed: int = 0) -> list:
    x = inputs(seed)
    ev = x["eval"][1].args
    dims = (0, 2)
    batch_stats = (ev["x"] - ev["x"].mean(dims, keepdim=True)) / torch.sqrt(ev["x"].var(dims, unbiased=False,
                                                                                        keepdim=True) + 1e-5)  # fmt: skip
    plain = {"weight": torch.ones(3, dtype=torch.float64), "bias": torch.zeros(3, dtype=torch.float64)}
    ref_eval = reference(**{**ev, **plain})[0]
    ax = x["axis"][1].args["x"]  # (4, 3, 5)
    per_position = (ax - ax.mean(0, keepdim=True)) / torch.sqrt(ax.var(0, unbiased=False, keepdim=True) + 1e-5)
    bi = x["biased"][0].args["x"]
    unbiased = (bi - bi.mean(0)) / torch.sqrt(bi.var(0) + 1e-5)
    ti = x["tiny"][0].args["x"]
    eps_out = (ti - ti.mean(0)) / (ti.var(0, unbiased=False).sqrt() + 1e-5)
    ru = x["running"][0].args
    mean, var_b = ru["x"].mean(0), ru["x"].var(0, unbiased=False)
    return [
        check_true("reference_equals_torch_batchnorm1d_2d", torch_module_agrees(seed, (6, 4))),
        check_true("reference_equals_torch_batchnorm1d_3d", torch_module_agrees(seed, (3, 4, 5))),
        differs("batch_stats_in_eval_move_output", batch_stats, ref_eval, 0.1),
        differs("per_position_stats_move_output", per_position, reference(**x["axis"][1].args)[0], 0.1),
        differs("unbiased_normalising_moves_output", unbiased, reference(**x["biased"][0].args)[0], 1e-3),
        differs("eps_outside_sqrt_moves_output", eps_out, reference(**x["tiny"][0].args)[0], 1e-2),
        differs("reversed_momentum_moves_running_mean", 0.1 * ru["running_mean"] + 0.9 * mean,
                reference(**ru)[1], 0.1),
        differs("biased_running_var_differs", 0.9 * ru["running_var"] + 0.1 * var_b, reference(**ru)[2], 1e-2),
        differs("weight_differs_from_bias", x["affine"][0].args["weight"], x["affine"][0].args["bias"], 0.5),
        check_true("float32_float64_2d_3d_and_eval_cases",
                   {(c.args["x"].dtype, c.args["x"].dim(), c.args["training"]) for c in cases(seed)} >= {
                       (torch.float64, 2, True), (torch.float32, 3, True), (torch.float32, 2, False)}),
    ]
