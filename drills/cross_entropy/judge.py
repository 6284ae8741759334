"""Judge for the cross-entropy drill: a scalar mean over kept positions, the target class picked per row,
ignored rows left out of the sum and the count, PyTorch's label smoothing, finite on huge logits; the
reference is also checked against F.cross_entropy in informative()."""

import torch
import torch.nn.functional as F
from _judge import (
    Case,
    all_finite,
    check,
    check_true,
    compare,
    differs,
    generator,
    inputs_unchanged,
    randn,
    same_shape_and_dtype,
    sibling,
    unchanged_by,
)

reference = sibling(__file__, "reference").cross_entropy


def batch(g, n, c, dtype=torch.float64, ignore=(), scale=2.0):
    logits = randn(g, n, c, dtype=dtype, scale=scale)
    target = torch.randint(c, (n,), generator=g)
    for i in ignore:
        target[i] = -100
    return logits, target


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    out = []
    for i, (n, c, ignore, ls) in enumerate([(1, 5, (), 0.0), (6, 4, (1, 4), 0.0), (7, 9, (0,), 0.1),
                                            (5, 3, (), 0.2), (8, 11, (2, 3, 7), 0.3), (3, 2, (), 0.0)]):
        logits, target = batch(g, n, c, torch.float64 if i % 2 == 0 else torch.float32, ignore)
        out.append(Case({"logits": logits, "target": target}, {"label_smoothing": ls}))
    return out


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 3)
    all_cases = cases(seed)
    plain = Case(dict(zip(("logits", "target"), batch(g, 5, 6), strict=True)))
    logits, target = plain.args["logits"], plain.args["target"]
    doubled = Case({"logits": torch.cat([logits, logits]), "target": torch.cat([target, target])})
    il, it = batch(g, 6, 5, ignore=(0, 3))
    ignored = Case({"logits": il, "target": it}, {"label_smoothing": 0.2})
    ignored_plain = Case({"logits": il, "target": it})
    scrambled = il.clone()
    scrambled[[0, 3]] = randn(g, 2, 5, scale=10.0)
    sl, st = batch(g, 5, 7)
    smoothed = [Case({"logits": sl, "target": st}, {"label_smoothing": ls}) for ls in (0.1, 0.3)]
    huge = Case({"logits": randn(g, 4, 6, dtype=torch.float32) + 1e4, "target": torch.tensor([0, 5, 2, 3])})
    spread = Case({"logits": torch.tensor([[1e4, -1e4, 0.0], [0.0, 1e4, 9990.0]], dtype=torch.float64),
                   "target": torch.tensor([1, 2])}, {"label_smoothing": 0.1})
    other_ignore = Case({"logits": il, "target": torch.where(it == -100, torch.full_like(it, 4), it)},
                        {"ignore_index": 4})
    return [
        same_shape_and_dtype("returns_scalar", impl, [(c, (), c.args["logits"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[2]),
        unchanged_by("averaged_not_summed", impl, plain, doubled, atol=1e-9,
                     note="the mean over a batch repeated twice is the same mean"),
        compare("picks_target_class", impl, reference, [plain], atol=1e-9),
        compare("ignored_positions_excluded", impl, reference, [ignored_plain, ignored, other_ignore], atol=1e-9),
        unchanged_by("ignored_logits_do_not_matter", impl, ignored, Case({"logits": scrambled, "target": it},
                                                                           {"label_smoothing": 0.2}), atol=1e-9),
        compare("label_smoothing", impl, reference, smoothed, atol=1e-9),
        all_finite("finite_on_extreme_logits", impl, [huge, spread]),
        compare("matches_reference", impl, reference, all_cases + [huge, spread], atol=1e-5, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 3)
    logits, target = batch(g, 5, 6)
    il, it = batch(g, 6, 5, ignore=(0, 3))
    keep = it != -100
    logp = il - torch.logsumexp(il, -1, keepdim=True)
    nll = -logp.gather(-1, it.clamp(min=0)[:, None]).squeeze(-1)
    sl, st = batch(g, 5, 7)
    lp = sl - torch.logsumexp(sl, -1, keepdim=True)
    n = -lp.gather(-1, st[:, None]).squeeze(-1)
    others = ((-lp.sum(-1) - n) / 6).mean()
    torch_ok = all(abs(float(reference(**c.args, **(c.kwargs or {}))) - float(F.cross_entropy(
        c.args["logits"], c.args["target"], **(c.kwargs or {})))) < 1e-5 for c in all_cases)  # fmt: skip
    return [
        check_true("reference_equals_torch_cross_entropy", torch_ok),
        differs("dividing_by_n_moves_loss", (nll * keep).sum() / len(it), reference(il, it), 1e-3),
        differs("smoothing_over_c_minus_1_moves_loss", 0.9 * n.mean() + 0.1 * others, reference(sl, st, label_smoothing=0.1),
                1e-4),
        differs("column_indexing_moves_loss", -logp[:, it.clamp(min=0)].mean(), reference(il, it), 1e-3),
        check_true("naive_exp_overflows", bool(torch.isinf(torch.exp(torch.tensor([1e4]))).all())),
        check("targets_vary", 1.0, float(len(set(target.tolist())) > 1)),
    ]
