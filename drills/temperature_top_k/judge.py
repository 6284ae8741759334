"""Judge for temperature + top-k filtering: shape and dtype, input untouched, finite on huge logits, rows
summing to 1, exactly min(k, V) tokens kept and they are the most probable ones, ties at the boundary
broken by the lower index, the temperature dividing the logits (not the probabilities); informative()
checks that the inputs separate these mistakes and that the equivalent orders (top-k before temperature,
filtering with -inf before dividing) give the reference's answer."""

import torch
from _judge import (
    Case,
    all_finite,
    check_at_least,
    check_true,
    compare,
    differs,
    example_text,
    failed,
    generator,
    inputs_unchanged,
    passed,
    randn,
    same_shape_and_dtype,
    sibling,
    small,
    sums_to_one,
)

reference = sibling(__file__, "reference").sample_filter


def holds(name, impl, cases, problem):
    """`problem(out, case)` is None on every case, else a short message shown with the smallest failing input."""
    bad = []
    for case in cases:
        try:
            out = case.call(impl)
        except Exception as exc:  # noqa: BLE001  (Failed with the learner's error)
            return failed(name, str(exc))
        try:
            why = problem(out, case)
        except Exception as exc:  # noqa: BLE001  (an output of the wrong shape, say)
            why = f"{type(exc).__name__}: {exc}"
        if why:
            bad.append((case, out, why))
    if not bad:
        return passed(name)
    case, out, why = min(bad, key=lambda b: (not all(small(v) for v in b[0].args.values()), b[0].size))
    want = case.call(reference)
    ex = example_text(case.shown(), want, out) if all(small(v) for v in case.args.values()) else ""
    return failed(name, f"{len(bad)}/{len(cases)} inputs: {why}", ex)


def case(g, shape, t, k, dtype=torch.float64, scale=2.0):
    return Case({"logits": randn(g, *shape, scale=scale).to(dtype), "temperature": t, "k": k})


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [case(g, (10,), 1.0, 3), case(g, (4, 9), 0.5, 4, torch.float32), case(g, (2, 3, 16), 2.0, 5),
            case(g, (3, 7), 0.7, 1), case(g, (5, 1), 1.3, 2), case(g, (2, 6), 1.5, 6, torch.float32),
            case(g, (3, 5), 0.8, 9)]  # fmt: skip


def tie_cases(seed: int) -> list[Case]:
    """Integer logits: many ties, and the boundary of the top k falls inside a group of equal logits."""
    g = generator(seed + 3)
    out = []
    for shape, k in (((6, 9), 3), ((4, 12), 5), ((2, 3, 8), 2)):
        logits = torch.randint(0, 4, shape, generator=g).double()
        logits[..., 0] = 1.0  # a few fixed ties so every seed has them at the boundary
        logits[..., 1] = 3.0
        logits[..., 2] = 3.0
        logits[..., 3] = 3.0
        out.append(Case({"logits": logits, "temperature": 0.9, "k": k}))
    return out


def kept(out):
    return out != 0


def exactly_k(out, c):
    want = min(c.args["k"], c.args["logits"].shape[-1])
    counts = kept(out).sum(-1)
    bad = counts != want
    if bool(bad.any()):
        return f"a row keeps {int(counts[bad].flatten()[0])} tokens; expected min(k, V) = {want}"
    return None


def most_probable(out, c):
    logits = c.args["logits"].double()
    kept_min = torch.where(kept(out), logits, torch.full_like(logits, float("inf"))).amin(-1)
    dropped_max = torch.where(kept(out), torch.full_like(logits, float("-inf")), logits).amax(-1)
    bad = int((dropped_max > kept_min).sum())
    return f"{bad} rows drop a token with a larger logit than one they keep" if bad else None


def lower_index_wins(out, c):
    want = kept(reference(**c.args))
    got = kept(out)
    if got.shape != want.shape:
        return f"shape {tuple(got.shape)}"
    bad = (got != want).any(-1)
    if bool(bad.any()):
        row = int(bad.flatten().nonzero()[0])
        g_idx = got.reshape(-1, got.shape[-1])[row].nonzero().flatten().tolist()
        w_idx = want.reshape(-1, want.shape[-1])[row].nonzero().flatten().tolist()
        return f"{int(bad.sum())} rows keep the wrong tokens, e.g. indices {g_idx} instead of {w_idx}"
    return None


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    ties = tie_cases(seed)
    g = generator(seed + 7)
    huge = [case(g, (3, 8), 0.5, 3, scale=1e4), case(g, (2, 6), 2.0, 6, torch.float32, scale=1e4)]
    moderate = [c for c in all_cases if c.args["logits"].shape[-1] > 1]
    hot_cold = [c for c in all_cases if c.args["temperature"] != 1.0]
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl, [(c, tuple(c.args["logits"].shape), c.args["logits"].dtype)
                                                            for c in all_cases]),  # fmt: skip
        inputs_unchanged("input_not_modified", impl, all_cases[1]),
        all_finite("finite_on_extreme_logits", impl, huge),
        sums_to_one("rows_sum_to_one", impl, [(c, -1) for c in all_cases + huge]),
        holds("keeps_exactly_k", impl, moderate, exactly_k),
        holds("keeps_most_probable_tokens", impl, moderate, most_probable),
        holds("ties_broken_by_lower_index", impl, ties, lower_index_wins),
        compare("temperature_divides_logits", impl, reference, hot_cold, atol=1e-6, rtol=1e-5),
        compare("matches_reference", impl, reference, all_cases + ties + huge, atol=1e-6, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    all_cases = cases(seed)
    hot_cold = [c for c in all_cases if c.args["temperature"] != 1.0 and c.args["k"] > 1]
    no_temp = max(float((reference(c.args["logits"], 1.0, c.args["k"]) - reference(**c.args)).abs().max())
                  for c in hot_cold)  # fmt: skip
    ties = tie_cases(seed)
    boundary_tie = 0
    for c in ties:
        s = c.args["logits"].sort(-1, descending=True).values
        k = c.args["k"]
        boundary_tie += int((s[..., k - 1] == s[..., k]).sum())
    # equivalent orders are accepted: top-k on the raw logits, then temperature; or -inf filter, then divide
    c = all_cases[2].args
    x, t, k = c["logits"], c["temperature"], c["k"]
    idx = x.topk(k, dim=-1).indices
    raw = torch.full_like(x, float("-inf")).scatter(-1, idx, x.gather(-1, idx))
    topk_first = torch.softmax(raw / t, dim=-1)
    keep = reference(x, t, k) != 0
    filter_then_divide = torch.softmax(x.masked_fill(~keep, float("-inf")) / t, dim=-1)  # -inf / T stays -inf
    huge = generator(seed + 7)
    h = randn(huge, 3, 8, scale=1e4)
    naive = torch.exp(h / 0.5)
    return [
        check_at_least("ignoring_temperature_moves_output", 1e-2, no_temp),
        check_at_least("ties_fall_on_the_top_k_boundary", 3, boundary_tie),
        differs("k_changes_output", reference(x, t, k), reference(x, t, k + 1), 1e-2),
        check_true("topk_before_temperature_is_equivalent", bool((topk_first - reference(**c)).abs().max() < 1e-12)),
        check_true("inf_filter_then_divide_is_equivalent",
                   bool((filter_then_divide - reference(**c)).abs().max() < 1e-12)),
        check_true("naive_exp_overflows_on_extreme_logits", not bool(torch.isfinite(naive).all())),
    ]
