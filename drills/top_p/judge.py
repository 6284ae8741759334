"""Judge for top-p (nucleus) filtering: the kept set holds the most probable tokens, reaches p and is the
smallest such set; the result is renormalised and in vocabulary order; the top token always survives.
Reuses the top_k_top_p verifier (its top-p checks) with the learner's function."""

import torch
from _judge import (
    Case,
    check_at_least,
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
    verifier_checks,
)

reference = sibling(__file__, "reference").top_p_filter


def distributions(g, *shape, dtype=torch.float64, temperature=1.0):
    """Peaked, tie-free distributions over the last dim, like a language model's next-token probabilities."""
    return torch.softmax(randn(g, *shape) * 2.0 / temperature, dim=-1).to(dtype)


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, (shape, p) in enumerate([((10,), 0.9), ((4, 10), 0.5), ((2, 3, 16), 0.95), ((3, 7), 0.8),
                                    ((5, 1), 0.9), ((6, 12), 1.0), ((2, 9), 0.3)]):  # fmt: skip
        out.append(Case({"probs": distributions(g, *shape, dtype=torch.float32 if i % 3 == 1 else torch.float64),
                         "p": p}))  # fmt: skip
    return out


def kept_mass(out, case):
    probs = case.args["probs"].double()
    return torch.where(out != 0, probs, torch.zeros_like(probs)).sum(-1)


def most_probable(out, case):
    probs = case.args["probs"].double()
    kept_min = torch.where(out != 0, probs, torch.full_like(probs, 2.0)).amin(-1)
    dropped_max = torch.where(out == 0, probs, torch.full_like(probs, -1.0)).amax(-1)
    bad = int((dropped_max > kept_min).sum())
    return f"{bad} rows drop a token more probable than one they keep" if bad else None


def reaches_p(out, case):
    bad = int((kept_mass(out, case) < case.args["p"] - 1e-6).sum())
    return f"{bad} rows keep tokens whose total probability is below p = {case.args['p']}" if bad else None


def smallest(out, case):
    probs = case.args["probs"].double()
    smallest_kept = torch.where(out != 0, probs, torch.full_like(probs, 2.0)).amin(-1)
    bad = int(((kept_mass(out, case) - smallest_kept >= case.args["p"] + 1e-9) & ((out != 0).sum(-1) > 1)).sum())
    return f"{bad} rows would still reach p without their least probable kept token" if bad else None


def in_vocab_order(out, case):
    probs = case.args["probs"].double()
    ratio = torch.where(out != 0, out.double() / probs, torch.zeros_like(probs))  # 1/kept mass where kept
    top = ratio.amax(-1, keepdim=True)
    spread = torch.where(out != 0, (ratio - top).abs(), torch.zeros_like(probs)).amax(-1) / top.squeeze(-1)
    bad = int((spread > 1e-5).sum())
    return f"{bad} rows: kept values are not probs[i] / (kept mass) at their own index i" if bad else None


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 9)
    tiny_p = [Case({"probs": distributions(g, 3, 8), "p": 1e-6})]
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl, [(c, tuple(c.args["probs"].shape), c.args["probs"].dtype)
                                                            for c in all_cases]),  # fmt: skip
        inputs_unchanged("input_not_modified", impl, all_cases[1]),
        sums_to_one("rows_sum_to_one", impl, [(c, -1) for c in all_cases]),
        holds("keeps_most_probable_tokens", impl, all_cases, most_probable),
        holds("nucleus_reaches_p", impl, all_cases, reaches_p),
        holds("nucleus_is_smallest", impl, all_cases, smallest),
        holds("vocabulary_order_kept", impl, all_cases, in_vocab_order),
        compare("always_keeps_top_token", impl, reference, tiny_p, atol=1e-9),
        compare("matches_reference", impl, reference, all_cases, atol=1e-6, rtol=1e-5),
        *verifier_checks("top_k_top_p", seed, keep=lambda n: n.startswith(("top_p", "hand_nucleus")), top_p=impl),
    ]


def informative(seed: int = 0) -> list:
    all_cases = cases(seed)
    probs = torch.cat([c.args["probs"].double().reshape(-1, c.args["probs"].shape[-1])[:, :7] for c in all_cases
                       if c.args["probs"].shape[-1] >= 7])  # fmt: skip
    sizes, boundary_differs, unsorted = [], 0.0, 0.0
    for c in all_cases:
        x, p = c.args["probs"].double(), c.args["p"]
        ref = reference(x, p)
        if x.shape[-1] > 1:
            sizes += (ref != 0).sum(-1).flatten().tolist()
        sorted_p, order = x.sort(-1, descending=True)
        strict = torch.zeros_like(x, dtype=torch.bool).scatter(-1, order, (sorted_p.cumsum(-1) < p) | (
            torch.arange(x.shape[-1]) == 0))  # fmt: skip  (the off-by-one: drop the token that crosses p)
        alt = torch.where(strict, x, torch.zeros_like(x))
        boundary_differs = max(boundary_differs, float((alt / alt.sum(-1, keepdim=True) - ref).abs().max()))
        unsorted = max(unsorted, float((x - sorted_p).abs().max()))
    return [
        check_at_least("dropping_the_boundary_token_moves_output", 1e-3, boundary_differs),
        check_at_least("inputs_are_not_already_sorted", 1e-3, unsorted),
        check_true("nucleus_sizes_vary", 1 in sizes and len({s for s in sizes if s > 1}) >= 3),
        differs("rows_differ", probs[0], probs[1], 1e-3),
        check_true("float32_and_float64_inputs",
                   {c.args["probs"].dtype for c in all_cases} == {torch.float32, torch.float64}),
    ]
