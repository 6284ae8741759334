"""Judge for beam search over a bigram table: a (tokens, score) pair that starts at bos and stops at eos,
a score equal to the sum of the table's log-probs along the tokens, width 1 equal to greedy decoding, and
three hand-built tables where greedy decoding, per-beam (instead of global) pruning and dropping finished
hypotheses each give a worse answer; then random tables of several sizes and widths. informative()
proves those tables separate the mistakes (it runs each mistake's rule and compares)."""

import torch
from _judge import (
    Case,
    Failed,
    check_at_least,
    check_true,
    example_text,
    failed,
    generator,
    passed,
    sibling,
)

reference = sibling(__file__, "reference").beam_search
BOS, EOS = 0, 1


def part(fn, i: int):
    """The tokens (i = 0) or the score (i = 1) of fn's (tokens, score) pair, as a tensor the toolkit can compare."""

    def one(log_probs, bos, eos, width, max_len):
        out = fn(log_probs, bos, eos, width, max_len)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise TypeError(f"returned {type(out).__name__}; expected a pair (tokens, score)")
        tokens, score = out
        if not isinstance(tokens, torch.Tensor) or tokens.dim() != 1 or tokens.dtype.is_floating_point:
            raise TypeError(f"tokens: expected a 1-D integer tensor, got {getattr(tokens, 'shape', type(tokens).__name__)}")
        if isinstance(score, torch.Tensor):
            if score.numel() != 1:
                raise TypeError(f"score: expected a 0-dim tensor, got shape {tuple(score.shape)}")
            score = score.reshape(())
        score = torch.as_tensor(score, dtype=log_probs.dtype)
        return tokens.long() if i == 0 else score

    one.__name__ = f"beam_search[{('tokens', 'score')[i]}]"
    return one


def table(v: int, rows: dict[int, dict[int, float]]) -> torch.Tensor:
    """(V, V) log-probs: the given probabilities per row; the rest of each row's mass spread over the other
    tokens with slightly different weights (so nothing ties)."""
    p = torch.zeros(v, v, dtype=torch.float64)
    for a in range(v):
        given = rows.get(a, {})
        rest = [b for b in range(v) if b not in given]
        w = torch.tensor([1.0 + 0.07 * j + 0.01 * a for j in range(len(rest))], dtype=torch.float64)
        p[a, rest] = (1.0 - sum(given.values())) * w / w.sum()
        for b, q in given.items():
            p[a, b] = q
    return p.log()


def built(name: str) -> Case:
    """Hand-built tables (0 = bos, 1 = eos, then a, b, c, ... = 2, 3, 4, ...)."""
    a, b, c, x, y = 2, 3, 4, 4, 5
    if name == "greedy_fails":  # greedy: bos a eos = .5 · .25; beam: bos b c eos = .4 · .9 · .9
        t = table(5, {BOS: {a: 0.5, b: 0.4}, a: {EOS: 0.25}, b: {c: 0.9}, c: {EOS: 0.9}})
        return Case({"log_probs": t, "bos": BOS, "eos": EOS, "width": 2, "max_len": 3})
    if name == "two_best_from_one_beam":  # both survivors of step 2 extend beam a; a y eos wins
        t = table(6, {BOS: {a: 0.55, b: 0.4}, a: {x: 0.5, y: 0.45}, b: {x: 0.3}, x: {EOS: 0.3}, y: {EOS: 0.95}})
        return Case({"log_probs": t, "bos": BOS, "eos": EOS, "width": 2, "max_len": 3})
    if name == "short_answer_finishes_first":  # bos eos (.4) beats every longer path (<= .55 · .5 · .5 · .6)
        t = table(5, {BOS: {a: 0.55, EOS: 0.4}, a: {b: 0.5}, b: {c: 0.5}, c: {EOS: 0.6}})
        return Case({"log_probs": t, "bos": BOS, "eos": EOS, "width": 2, "max_len": 4})
    raise KeyError(name)


def random_case(g, v: int, width: int, max_len: int, sharp: float = 2.0) -> Case:
    t = torch.log_softmax(torch.randn(v, v, generator=g, dtype=torch.float64) * sharp, dim=-1)
    return Case({"log_probs": t, "bos": BOS, "eos": EOS, "width": width, "max_len": max_len})


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [random_case(g, v, w, n) for v, w, n in ((6, 2, 4), (5, 3, 5), (8, 4, 6), (4, 2, 1), (9, 5, 3),
                                                   (7, 3, 6), (6, 2, 5))]  # fmt: skip


def greedy(log_probs, bos, eos, width, max_len):
    tokens, score = [bos], log_probs.new_zeros(())
    while len(tokens) <= max_len and tokens[-1] != eos:
        nxt = int(log_probs[tokens[-1]].argmax())
        score = score + log_probs[tokens[-1], nxt]
        tokens.append(nxt)
    return torch.tensor(tokens), score


class Runs:
    """impl's (tokens, score) per case, computed once: each case's answer, or the Failed it raised. The memo
    keeps each case alive beside its answer, so an id can never be reused by a later case."""

    def __init__(self, impl):
        self.impl, self.memo = impl, {}

    def __call__(self, case):
        seen = self.memo.get(id(case))
        if seen is None or seen[0] is not case:
            try:
                out = (case.call(part(self.impl, 0)), case.call(part(self.impl, 1)))
            except Failed as exc:
                out = exc
            seen = self.memo[id(case)] = (case, out)
        out = seen[1]
        if isinstance(out, Failed):
            raise out
        return out


def settings(a) -> str:
    return f"width={a['width']}, max_len={a['max_len']}, bos={a['bos']}, eos={a['eos']}"


def property_check(name, runs, expect, cases_, problem):
    """problem(args, tokens, score, expected) is None on every case (expected: the reference's (tokens, score));
    else the first failing case is shown."""
    for case in cases_:
        try:
            tokens, score = runs(case)
        except Failed as exc:
            return failed(name, str(exc))
        want, want_score = expect(case)
        why = problem(case.args, tokens, score, (want, want_score))
        if why:
            ex = example_text({"probabilities exp(log_probs)": case.args["log_probs"].exp()}, want, tokens)
            return failed(name, f"{settings(case.args)}: {why}; expected tokens {want.tolist()}, score "
                                f"{float(want_score):.4f}", ex)  # fmt: skip
    return passed(name)


def same_as(expected_fn=None, with_score=False):
    """A problem function: the tokens (and the score) equal expected_fn's on the same case (default: the reference's)."""

    def problem(a, tokens, score, expected):
        want, want_score = expected if expected_fn is None else expected_fn(a)
        if tokens.tolist() != want.tolist():
            return f"got tokens {tokens.tolist()} (score {float(score):.4f})"
        if with_score and abs(float(score) - float(want_score)) > 1e-9:
            return f"got the right tokens but score {float(score):.6g}, expected {float(want_score):.6g}"
        return None

    return problem


def bos_to_eos(a, tokens, score, expected):
    t = tokens.tolist()
    if not t or t[0] != a["bos"]:
        return f"tokens {t} do not start with bos = {a['bos']}"
    if len(t) > a["max_len"] + 1:
        return f"tokens {t} are longer than max_len + 1 = {a['max_len'] + 1}"
    if a["eos"] in t[1:-1]:
        return f"tokens {t} continue after eos = {a['eos']}"
    if len(t) < a["max_len"] + 1 and t[-1] != a["eos"]:
        return f"tokens {t} stop before max_len without reaching eos"
    return None


def score_is_sum(a, tokens, score, expected):
    t = tokens.tolist()
    if any(not 0 <= x < a["log_probs"].shape[0] for x in t):
        return f"tokens {t} are not all in [0, V)"
    total = sum(float(a["log_probs"][p, n]) for p, n in zip(t[:-1], t[1:], strict=True))
    if abs(float(score) - total) > 1e-9:
        return f"score {float(score):.6g} but the log-probs along tokens {t} sum to {total:.6g}"
    return None


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 4)
    width_one = [random_case(g, v, 1, n) for v, n in ((6, 5), (5, 3), (8, 6))]
    runs, expect = Runs(impl), Runs(reference)  # each case's answer computed once per verdict
    short = built("short_answer_finishes_first")
    return [
        property_check("returns_tokens_and_score", runs, expect, all_cases, lambda *_: None),
        property_check("starts_at_bos_stops_at_eos", runs, expect, all_cases + [short], bos_to_eos),
        property_check("score_is_sum_of_log_probs", runs, expect, all_cases + [built("greedy_fails")], score_is_sum),
        property_check("width_one_is_greedy", runs, expect, width_one, same_as(lambda a: greedy(**a))),
        property_check("beats_greedy", runs, expect, [built("greedy_fails")], same_as()),
        property_check("global_top_w_across_beams", runs, expect, [built("two_best_from_one_beam")], same_as()),
        property_check("finished_beams_kept", runs, expect, [short], same_as()),
        property_check("matches_reference", runs, expect, all_cases, same_as(with_score=True)),
    ]


# --- the mistakes' rules, for informative() -------------------------------------------------------------


def search(log_probs, bos, eos, width, max_len, rule="right"):
    """Beam search with one rule changed: 'probs' ranks by summed probabilities, 'last' by the last step only,
    'per_beam' extends each beam by its own best token, 'drop' forgets finished hypotheses."""
    V = log_probs.shape[0]
    beams = [([bos], 0.0, 0.0)]  # (tokens, total log-prob, ranking key)
    for _ in range(max_len):
        cands = []
        for tokens, lp, key in beams:
            if tokens[-1] == eos:
                if rule == "drop":
                    continue
                cands.append((tokens, lp, key))
                continue
            options = [int(log_probs[tokens[-1]].argmax())] if rule == "per_beam" and len(tokens) > 1 else range(V)
            for v in options:
                step = float(log_probs[tokens[-1], v])
                new_key = {"probs": key + torch.tensor(step).exp().item(), "last": step}.get(rule, lp + step)
                cands.append((tokens + [v], lp + step, new_key))
        if not cands:
            break
        cands.sort(key=lambda c: c[2], reverse=True)
        beams = cands[:width]
        if all(t[-1] == eos for t, _, _ in beams):
            break
    return beams[0][0]


def informative(seed: int = 0) -> list:
    def differs_on(rule, cases_):
        return any(search(**c.args, rule=rule) != reference(**c.args)[0].tolist() for c in cases_)

    all_cases = cases(seed)
    right = all(search(**c.args) == reference(**c.args)[0].tolist() for c in all_cases)
    gf, tb, sf = built("greedy_fails"), built("two_best_from_one_beam"), built("short_answer_finishes_first")
    greedy_worse = float(greedy(**gf.args)[1]) < float(reference(**gf.args)[1]) - 0.1
    lengths = {len(reference(**c.args)[0]) for c in all_cases}
    return [
        check_true("rule_free_search_agrees_with_reference", right),
        check_true("greedy_loses_on_greedy_fails", greedy_worse),
        check_true("per_beam_pruning_differs", differs_on("per_beam", [tb])),
        check_true("dropping_finished_differs", differs_on("drop", [sf])),
        check_true("ranking_by_probabilities_differs", differs_on("probs", all_cases)),
        check_true("ranking_by_last_step_differs", differs_on("last", all_cases)),
        check_at_least("answers_of_several_lengths", 3, len(lengths)),
    ]
