"""Judge for the causal-mask drill: the future gets weight exactly 0, each token sees itself (so no row is
fully masked and nothing is nan), rows sum to 1 (the mask goes before the softmax), a shift of every score by -2e4
changes nothing (the fill is -inf, not a big finite number), several shapes (no batch dims, T = 1, heads);
reuses the lookahead_mask verifier with the learner's weights inside an attention layer."""

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
    generator,
    inputs_unchanged,
    not_one_hot,
    randn,
    same_shape_and_dtype,
    sibling,
    small,
    sums_to_one,
    unchanged_by,
    verifier_checks,
)

reference = sibling(__file__, "reference").causal_softmax


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    shapes = [(5, 5), (2, 4, 4), (1, 1), (2, 3, 6, 6), (3, 1, 1), (7, 7), (2, 2, 3, 3)]
    return [Case({"scores": randn(g, *s, dtype=torch.float64 if i % 2 == 0 else torch.float32, scale=2.0)})
            for i, s in enumerate(shapes)]  # fmt: skip


def future_zero(name, impl, cases_):
    """Every weight above the diagonal is exactly 0 (rows containing nan are left to sees_itself)."""
    for case in cases_:
        try:
            w = case.call(impl)
        except Failed as exc:
            return failed(name, str(exc))
        T = case.args["scores"].shape[-1]
        if w.shape != case.args["scores"].shape:
            return failed(name, f"returned shape {tuple(w.shape)}, expected {tuple(case.args['scores'].shape)}")
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        finite_rows = ~torch.isnan(w).any(-1, keepdim=True)  # (..., T, 1)
        leaked = (w != 0) & future & finite_rows
        if bool(leaked.any()):
            ex = example_text(case.shown(), "0 above the diagonal", w) if small(w) else ""
            worst = float(w.masked_fill(~(future & finite_rows), 0).abs().max())
            return DrillCheck(name, 0.0, worst, 0.0, False, f"shape {tuple(w.shape)}: {int(leaked.sum())} weights on "
                              f"future keys (j > i) are not 0, up to {worst:.3g}", "=", ex)  # fmt: skip
    return DrillCheck(name, 0.0, 0.0, 0.0, True)


def sees_itself(name, impl, cases_):
    """No nan anywhere (row 0 sees key 0) and a positive weight on the diagonal: each token sees itself."""
    for case in cases_:
        try:
            w = case.call(impl)
        except Failed as exc:
            return failed(name, str(exc))
        ex = example_text(case.shown(), "finite, diagonal > 0", w) if small(w) else ""
        if not bool(torch.isfinite(w).all()):
            return failed(name, f"shape {tuple(w.shape)}: {int((~torch.isfinite(w)).sum())} nan/inf weights; "
                          "is a row fully masked?", ex)  # fmt: skip
        diag = w.diagonal(dim1=-2, dim2=-1)
        if not bool((diag > 0).all()):
            return failed(name, f"shape {tuple(w.shape)}: some token gives itself weight 0", ex)
    return DrillCheck(name, 0.0, 0.0, 0.0, True)


def attention(impl):
    """An attention layer built on the learner's weights, in the lookahead_mask verifier's signature."""

    def attend(q, k, v, causal=True):
        scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5  # (B, T, T)
        weights = impl(scores) if causal else torch.softmax(scores, dim=-1)
        return weights @ v

    return attend


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 3)
    base = randn(g, 2, 6, 6)
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["scores"].shape), c.args["scores"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[1]),
        future_zero("future_gets_zero_weight", impl, all_cases),
        sees_itself("sees_itself", impl, all_cases),
        sums_to_one("rows_sum_to_one", impl, [(c, -1) for c in all_cases]),
        unchanged_by("shift_invariant", impl, Case({"scores": base}), Case({"scores": base - 2e4}), atol=1e-9,
                     note="subtracting 2e4 from every score must not change the weights"),
        compare("matches_reference", impl, reference, all_cases, atol=1e-6, rtol=1e-5),
        *verifier_checks("lookahead_mask", seed, keep=lambda n: n.startswith(("past_output", "max_")),
                         attention=attention(impl)),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 3)
    base = randn(g, 2, 6, 6)
    T = 6
    allowed = torch.ones(T, T, dtype=torch.bool).tril()
    ref = reference(base)
    big_fill = torch.softmax((base - 2e4).masked_fill(~allowed, -1e4), dim=-1)
    zero_fill = torch.softmax(base.tril(), dim=-1)
    after = torch.softmax(base, dim=-1) * allowed
    upper = torch.softmax(base.masked_fill(~allowed.T, float("-inf")), dim=-1)
    diag_hidden = torch.softmax(base.masked_fill(~allowed.tril(-1), float("-inf")), dim=-1)
    shapes = [tuple(c.args["scores"].shape) for c in cases(seed)]
    return [
        differs("minus_1e4_fill_leaks_after_shift", big_fill, ref, 0.5),
        check_true("minus_1e4_fill_is_exact_without_shift",  # so only the shift exposes it
                   bool((torch.softmax(base.masked_fill(~allowed, -1e4), -1) - ref).abs().max() < 1e-12)),
        differs("zero_fill_moves_weights", zero_fill, ref, 1e-2),
        differs("mask_after_softmax_breaks_row_sums", after.sum(-1), ref.sum(-1), 1e-2),
        differs("upper_triangle_moves_weights", upper, ref, 1e-2),
        check_true("hiding_the_diagonal_gives_nan_in_row_0", bool(torch.isnan(diag_hidden[..., 0, :]).all())),
        not_one_hot("no_row_after_the_first_is_one_hot", ref[..., 1:, :]),
        check_true("shapes_without_batch_dims_with_heads_and_t_1",
                   {len(s) for s in shapes} == {2, 3, 4} and any(s[-1] == 1 for s in shapes)),
    ]
