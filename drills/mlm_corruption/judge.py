"""Judge for BERT's MLM corruption. Exact properties on every draw: two long tensors of the input's shape,
the input untouched, non-targets (label -100) unchanged, labels equal to the original tokens, special
tokens never selected, a random replacement never a special token other than [MASK], the generator the
only source of randomness. Statistics pooled over four draws of a 64 x 128 batch (about 25,600 ordinary
tokens, 3,800 targets), each within 4.5 binomial standard deviations of its expected value:
    selected fraction of ordinary tokens   p = mask_prob (0.15, and 0.5 on a second batch)
    [MASK] share of targets                0.8
    random share of targets                0.1 · (1 - 1/(V - n_special))   (a random draw may equal the original)
    unchanged share of targets             0.1 + 0.1/(V - n_special)
    random tokens                          mean of uniform(n_special, V - 1) within 4.5 sd/sqrt(n); >= 40 distinct ids
No comparison with the reference's exact output: the order of random draws is the learner's choice.
informative() shows each tolerance is far smaller than the gap a common mistake opens."""

import math

import torch
from _judge import Failed, call, check_at_least, check_at_most, check_true, failed, first_line, generator, passed

MASK, V, N_SPECIAL = 3, 60, 5  # [PAD]=0 [CLS]=1 [SEP]=2 [MASK]=3 [UNK]=4; ordinary ids 5..59
SIGMAS = 4.5
DRAWS = 4  # big batches pooled for the statistics


def batch(seed: int, b: int = 64, t: int = 128) -> torch.Tensor:
    """[CLS] tokens [SEP] [PAD]...: rows of different lengths, ordinary ids uniform in [5, 60)."""
    g = generator(seed)
    ids = torch.randint(N_SPECIAL, V, (b, t), generator=g)
    lengths = torch.randint(min(3, t) if t < 16 else int(0.6 * t), t + 1, (b,), generator=g)  # ~20% padding
    pos = torch.arange(t)[None, :]
    ids[:, 0] = 1
    ids = torch.where(pos == lengths[:, None] - 1, torch.full_like(ids, 2), ids)
    ids = torch.where(pos >= lengths[:, None], torch.zeros_like(ids), ids)
    if t > 4:
        ids[0, 2] = 4  # an [UNK] and a stray [MASK] inside a sentence: special, never selected
        ids[-1, 1] = MASK
    return ids


def draw(impl, ids, gen_seed, mask_prob=0.15):
    """impl on ids with a fresh generator: (corrupted, labels), validated. Raises Failed."""
    out = call(lambda *a, **k: pair(impl(*a, **k)), ids, MASK, V, N_SPECIAL, torch.Generator().manual_seed(gen_seed),
               mask_prob=mask_prob)  # fmt: skip
    corrupted, labels = out[0], out[1]
    for name, t in (("corrupted_ids", corrupted), ("labels", labels)):
        if t.shape != ids.shape or t.dtype != torch.long:
            raise Failed(f"{name} has shape {tuple(t.shape)} {t.dtype}; expected {tuple(ids.shape)} torch.int64")
    return corrupted, labels


def pair(out):
    """(corrupted, labels) stacked into one tensor, so the toolkit's call() accepts it."""
    if not (isinstance(out, (tuple, list)) and len(out) == 2 and all(isinstance(t, torch.Tensor) for t in out)):
        raise TypeError(f"returned {type(out).__name__}; expected a pair (corrupted_ids, labels) of tensors")
    if out[0].dtype != torch.long or out[1].dtype != torch.long:
        raise TypeError(f"corrupted_ids is {out[0].dtype} and labels {out[1].dtype}; both must be torch.int64 (long)")
    if out[0].shape != out[1].shape:
        raise TypeError(f"corrupted_ids {tuple(out[0].shape)} and labels {tuple(out[1].shape)} differ in shape")
    return torch.stack([out[0], out[1]])


def small_cases(seed):
    return [batch(seed + 50, 3, 7), batch(seed + 51, 1, 1), batch(seed + 52, 2, 5), batch(seed + 53, 4, 9)[0]]


def exact(name, impl, inputs, problem, seed):
    """problem(ids, corrupted, labels) is None on every input and draw; else the smallest failing one is shown."""
    bad = []
    for i, ids in enumerate(inputs):
        try:
            corrupted, labels = draw(impl, ids, 1000 * seed + i)
        except Failed as exc:
            return failed(name, str(exc))
        why = problem(ids, corrupted, labels)
        if why:
            bad.append((ids, corrupted, labels, why))
    if not bad:
        return passed(name)
    ids, corrupted, labels, why = min(bad, key=lambda b: b[0].numel())
    return failed(name, f"{len(bad)}/{len(inputs)} draws: {why}", shown(ids, corrupted, labels))


def shown(ids, corrupted, labels):
    """input_ids, corrupted_ids and labels row by row, for a small input."""
    if ids.numel() > 64:
        return ""
    cut = ids.dim() > 0 and ids.shape[-1] > 8  # at most 8 values per row; the rest is elided
    rows = lambda t: [f"  {r}" + (" …" if cut else "")  # noqa: E731
                      for r in t.reshape(-1, t.shape[-1] if t.dim() else 1)[:, :8].tolist()]
    return "\n".join(["input_ids:", *rows(ids), "corrupted_ids:", *rows(corrupted), "labels:", *rows(labels)])


def unselected_unchanged(ids, corrupted, labels):
    bad = (labels == -100) & (corrupted != ids)
    return f"{int(bad.sum())} tokens with label -100 were changed" if bool(bad.any()) else None


def labels_are_originals(ids, corrupted, labels):
    bad = (labels != -100) & (labels != ids)
    return f"{int(bad.sum())} labels are not the original token at their position" if bool(bad.any()) else None


def specials_untouched(ids, corrupted, labels):
    special = ids < N_SPECIAL
    bad = special & ((labels != -100) | (corrupted != ids))
    return f"{int(bad.sum())} special tokens were selected or changed" if bool(bad.any()) else None


def random_not_special(ids, corrupted, labels):
    target = labels != -100
    bad = target & (corrupted < N_SPECIAL) & (corrupted != MASK)
    return (f"{int(bad.sum())} targets were replaced by a special token other than [MASK] (random tokens come from "
            f"{N_SPECIAL} .. {V - 1})") if bool(bad.any()) else None  # fmt: skip


# --- statistics -----------------------------------------------------------------------------------


def pooled(impl, seed, mask_prob=0.15):
    """Counts over DRAWS draws of a 64 x 128 batch (ordinary tokens and the targets among them)."""
    stats = {"ordinary": 0, "targets": 0, "masked": 0, "random": 0, "kept": 0, "ordinary_early": 0, "targets_early": 0}
    random_ids = []
    for i in range(DRAWS):
        ids = batch(100 * seed + i)
        corrupted, labels = draw(impl, ids, 7000 + 100 * seed + i, mask_prob)
        target = labels != -100
        stats["ordinary"] += int((ids >= N_SPECIAL).sum())
        stats["targets"] += int((target & (ids >= N_SPECIAL)).sum())  # specials are judged exactly elsewhere
        early = torch.arange(ids.shape[-1]) < 16  # the first 16 positions of each row: selection must be spread out
        stats["ordinary_early"] += int(((ids >= N_SPECIAL) & early).sum())
        stats["targets_early"] += int((target & (ids >= N_SPECIAL) & early).sum())
        stats["masked"] += int((target & (corrupted == MASK)).sum())
        is_random = target & (corrupted != MASK) & (corrupted != ids)
        stats["random"] += int(is_random.sum())
        stats["kept"] += int((target & (corrupted == ids)).sum())
        random_ids.append(corrupted[is_random])
    return stats, torch.cat(random_ids)


def tolerance(p, n):
    return SIGMAS * math.sqrt(p * (1 - p) / max(n, 1))


def share(name, count, n, p, what):
    measured = count / max(n, 1)
    tol = tolerance(p, n)
    if abs(measured - p) <= tol:
        return passed(name, f"{what}: {measured:.4f} (expected {p:.4f} ± {tol:.4f})")
    return failed(name, f"{what} is {measured:.4f} over {n} tokens; expected {p:.4f} ± {tol:.4f} "
                        f"({SIGMAS} binomial standard deviations)")  # fmt: skip


def uniform_random_ids(name, ids):
    n = ids.numel()
    if n < 30:
        return failed(name, f"only {n} targets were replaced by a random token; expected about 10% of the targets")
    lo, hi = N_SPECIAL, V - 1
    mean, sd = (lo + hi) / 2, math.sqrt(((hi - lo + 1) ** 2 - 1) / 12)
    got = float(ids.double().mean())
    tol = SIGMAS * sd / math.sqrt(n)
    distinct = int(ids.unique().numel())
    if abs(got - mean) > tol or distinct < 40:
        return failed(name, f"random replacements: mean id {got:.2f} (expected {mean:.1f} ± {tol:.2f}), {distinct} "
                            f"distinct ids (expected >= 40 of the {hi - lo + 1} ordinary ids)")  # fmt: skip
    return passed(name)


def stat_checks(impl, seed):
    try:
        s, random_ids = pooled(impl, seed)
        s50, _ = pooled(impl, seed + 17, mask_prob=0.5)
    except Failed as exc:
        names = ("selects_mask_prob_of_tokens", "mask_share_80_percent", "random_share_10_percent",
                 "kept_share_10_percent", "random_tokens_uniform")  # fmt: skip
        return [failed(n, str(exc)) for n in names]
    m, ordinary = s["targets"], V - N_SPECIAL
    rate = share("selects_mask_prob_of_tokens", s["targets"], s["ordinary"], 0.15, "selected fraction of ordinary tokens")
    rate50 = share("selects_mask_prob_of_tokens", s50["targets"], s50["ordinary"], 0.5,
                   "selected fraction with mask_prob = 0.5")  # fmt: skip
    early = share("selects_mask_prob_of_tokens", s["targets_early"], s["ordinary_early"], 0.15,
                  "selected fraction of ordinary tokens in the first 16 positions")  # fmt: skip
    return [
        next((c for c in (rate, early, rate50) if not c.passed), rate),
        share("mask_share_80_percent", s["masked"], m, 0.8, "[MASK] share of targets"),
        share("random_share_10_percent", s["random"], m, 0.1 * (1 - 1 / ordinary), "random-token share of targets"),
        share("kept_share_10_percent", s["kept"], m, 0.1 + 0.1 / ordinary, "unchanged share of targets"),
        uniform_random_ids("random_tokens_uniform", random_ids),
    ]


def uses_generator(name, impl, seed):
    ids = batch(seed + 60, 8, 32)
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(1)
        a = draw(impl, ids, 42)
        torch.manual_seed(2)
        b = draw(impl, ids, 42)
        c = draw(impl, ids, 43)
    except Failed as exc:
        return failed(name, str(exc))
    finally:
        torch.random.set_rng_state(state)
    if not (torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])):
        return failed(name, "two calls with identically seeded generators gave different results: some randomness "
                            "comes from the global RNG (pass generator=generator to every draw)")  # fmt: skip
    if torch.equal(a[1], c[1]):
        return failed(name, "differently seeded generators selected the same targets: the selection must be random, "
                            "drawn from the generator")  # fmt: skip
    return passed(name)


def input_kept(name, impl, seed):
    ids = batch(seed + 70, 4, 16)
    live = ids.clone()
    try:
        impl(live, MASK, V, N_SPECIAL, torch.Generator().manual_seed(5))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  (the learner's code may raise anything, sys.exit included)
        return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
    if not torch.equal(live, ids):
        return failed(name, f"input_ids was modified in place ({int((live != ids).sum())} entries changed)")
    return passed(name)


def run(impl, seed: int = 0) -> list:
    inputs = small_cases(seed) + [batch(100 * seed + 90 + i) for i in range(DRAWS)]
    try:
        for i, ids in enumerate(inputs):
            draw(impl, ids, i)
        shape = passed("returns_ids_and_labels")
    except Failed as exc:
        shape = failed("returns_ids_and_labels", str(exc))
    stats = stat_checks(impl, seed)
    return [
        shape,
        input_kept("input_not_modified", impl, seed),
        exact("unselected_tokens_unchanged", impl, inputs, unselected_unchanged, seed),
        exact("labels_are_original_tokens", impl, inputs, labels_are_originals, seed),
        *stats[:1],
        exact("specials_never_selected", impl, inputs, specials_untouched, seed),
        exact("random_tokens_not_special", impl, inputs, random_not_special, seed),
        *stats[1:],
        uses_generator("uses_the_generator", impl, seed),
    ]


def informative(seed: int = 0) -> list:
    ref = __import__("_judge").sibling(__file__, "reference").mlm_corruption
    s, random_ids = pooled(ref, seed)
    m, n = s["targets"], s["ordinary"]
    ids = torch.cat([batch(100 * seed + i).flatten() for i in range(DRAWS)])
    special_share = float((ids < N_SPECIAL).double().mean())
    non_mask_special = (N_SPECIAL - 1) / V  # chance that a draw over the whole vocabulary is a visible special
    expected_hits = 0.1 * m * non_mask_special
    return [
        check_at_least("targets_pooled", 2000, m),
        check_at_least("special_tokens_in_input", 0.1, special_share),
        check_at_most("mask_tolerance_below_all_mask_gap", 0.2 / 2, tolerance(0.8, m)),  # all [MASK]: 1.0 vs 0.8
        check_at_most("random_tolerance_below_wrong_split_gap", 0.08 / 2, tolerance(0.1, m)),  # 0.02 vs 0.1
        check_at_most("rate_tolerance_below_half_gap", 0.35 / 2, tolerance(0.5, n)),  # mask_prob ignored: 0.15 vs 0.5
        check_at_least("full_vocab_draws_hit_specials", 20, expected_hits),  # randint(0, V): ~30 visible hits
        check_true("reference_within_tolerances", all(c.passed for c in stat_checks(ref, seed))),
    ]
