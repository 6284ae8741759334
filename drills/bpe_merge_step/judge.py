"""Judge for one BPE merge step. The answer is Python data, not a tensor, so this judge calls the learner's
function itself (on a copy, catching anything it raises) and compares structures. Hand-built corpora
isolate each mistake: pair counts weighted by word frequency, every occurrence inside a word counted, no
pairs across words, ties to the smallest pair, left-to-right merging without overlaps, merging whole
symbols (not substrings of a joined string); then random corpora. informative() proves each hand-built
corpus separates its mistake."""

import random

from _judge import check_at_least, check_true, failed, first_line, passed, sibling

reference = sibling(__file__, "reference").bpe_merge_step
MAX_SHOWN = 6  # words listed in a failing example


class Bad(Exception):
    """The learner's function did not give a usable answer; one line for the learner."""


def attempt(impl, words):
    """impl on a copy of words, validated: (pair, dict). Raises Bad."""
    try:
        out = impl(dict(words))
    except SystemExit as exc:
        raise Bad(f"called sys.exit({exc.code!r}) instead of returning") from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  (the learner's code may raise anything)
        raise Bad(f"raised {type(exc).__name__}: {first_line(str(exc))}") from None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise Bad(f"returned {type(out).__name__}; expected a pair (pair, new_word_freqs)")
    pair, merged = out
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(s, str) for s in pair)):
        raise Bad(f"the pair {pair!r} is not a tuple of two strings")
    if not isinstance(merged, dict):
        raise Bad(f"new_word_freqs is a {type(merged).__name__}, expected a dict")
    for w, f in merged.items():
        if not (isinstance(w, tuple) and all(isinstance(s, str) for s in w)) or not isinstance(f, int):
            raise Bad(f"new_word_freqs has the entry {w!r}: {f!r}; expected tuple of strings -> int")
    return tuple(pair), merged


def words_text(words, indent="  "):
    items = list(words.items())
    lines = [f"{indent}{w!r}: {f}" for w, f in items[:MAX_SHOWN]]
    return lines + ([f"{indent}… ({len(items) - MAX_SHOWN} more)"] if len(items) > MAX_SHOWN else [])


def dict_diff(want, got):
    missing = [(w, f) for w, f in want.items() if got.get(w) != f]
    extra = [(w, f) for w, f in got.items() if want.get(w) != f]
    lines = ["expected words not returned:"] + [f"  {w!r}: {f}" for w, f in missing[:4]]
    return lines + ["returned instead:"] + [f"  {w!r}: {f}" for w, f in extra[:4]]


def example(words, want, got, what):
    lines = ["input:"] + words_text(words)
    if what == "pair":
        lines += [f"expected pair: {want[0]!r}", f"got pair:      {got[0]!r}"]
    else:
        lines += [f"pair merged: {want[0]!r}"] + dict_diff(want[1], got[1])
    return "\n".join(lines[:20])


def agrees(name, impl, corpora, what):
    """impl's pair (what='pair'), merged words ('words') or both ('both') equal the reference's on each corpus."""
    for words in corpora:
        want = reference(dict(words))
        try:
            got = attempt(impl, words)
        except Bad as exc:
            return failed(name, str(exc))
        pair_ok, words_ok = got[0] == want[0], got[1] == want[1]
        if (what in ("pair", "both") and not pair_ok) or (what in ("words", "both") and not words_ok):
            shown = "pair" if not pair_ok else "words"
            why = (f"merged {got[0]!r}, expected {want[0]!r}" if not pair_ok else
                   "the merged words differ from the expected ones")  # fmt: skip
            return failed(name, why, example(words, want, got, shown))
    return passed(name)


def input_not_modified(name, impl, words):
    live = dict(words)
    try:
        impl(live)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
    if live != words:
        return failed(name, "word_freqs was modified in place; build and return a new dict",
                      "\n".join(["before:"] + words_text(words) + ["after:"] + words_text(live)))  # fmt: skip
    return passed(name)


def spellings_kept(name, impl, corpora):
    """Every word keeps its spelling and frequency: merging only regroups symbols."""
    for words in corpora:
        try:
            _, merged = attempt(impl, words)
        except Bad as exc:
            return failed(name, str(exc))
        before = sorted(("".join(w), f) for w, f in words.items())
        after = sorted(("".join(w), f) for w, f in merged.items())
        if before != after:
            lost = sorted(set(before) - set(after))[:3]
            return failed(name, f"words changed spelling or frequency, or were lost: e.g. {lost}",
                          "\n".join(["input:"] + words_text(words) + ["got:"] + words_text(merged)))  # fmt: skip
    return passed(name)


# --- corpora --------------------------------------------------------------------------------------


def chars(*specs):
    """('low', 5), ... -> {('l', 'o', 'w'): 5, ...}; a word given as a tuple is kept as it is."""
    return {(tuple(w) if isinstance(w, str) else w): f for w, f in specs}


BUILT = {
    # (n, e) = 5 by frequency; by word types (l, o) = 3 wins
    "weighted": chars(("low", 1), ("lot", 1), ("log", 1), ("new", 3), ("net", 2)),
    # (a, b) occurs 3 times in one word: 6 in all; counted once per word it would lose to (c, d) = 5
    "repeats": chars(("ababab", 2), ("cd", 5)),
    # one-symbol words have no pairs; joining all words into one stream makes (a, a) or (a, c) win
    "across": chars(("a", 6), ("cb", 2), ("dc", 1)),
    # (d, e), (b, c), (c, d) tie at 3: the smallest is (b, c), not the first seen nor the largest
    "ties": chars(("de", 3), ("bc", 3), ("cd", 3), ("az", 1)),
    # ('ab', 'c') and ('a', 'bc') tie: ('a', 'bc') < ('ab', 'c') in tuple order, though "abc" == "abc"
    "ties_joined": chars((("ab", "c"), 2), (("a", "bc"), 2), (("x", "y"), 1)),
    # (a, a) wins; runs of a merge left to right: aaa -> aa a, aaaa -> aa aa, aaaaa -> aa aa a
    "overlap": chars(("aaa", 3), ("aaaa", 1), ("aaaaa", 1), ("ba", 2)),
    # (a, b) wins; 'xa b' and 'a bd' contain "a b" as text but not the symbols a, b side by side
    "substring": chars(("ab", 5), (("xa", "b"), 1), (("a", "bd"), 1), ("cab", 2)),
}


def random_corpus(rng: random.Random, n_words: int, alphabet: str = "abcde") -> dict:
    words = {}
    while len(words) < n_words:
        spelling = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        if spelling in words:
            continue
        symbols = list(spelling)
        for _ in range(rng.randint(0, 2)):  # a few earlier merges: longer symbols
            if len(symbols) > 2:
                i = rng.randrange(len(symbols) - 1)
                symbols[i : i + 2] = [symbols[i] + symbols[i + 1]]
        words[spelling] = (tuple(symbols), rng.randint(1, 9))
    return {w: f for w, f in words.values()}


def corpora(seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [random_corpus(rng, n) for n in (3, 5, 8, 12, 6, 10)] + [random_corpus(rng, 7, "ab")]


def run(impl, seed: int = 0) -> list:
    rand = corpora(seed)
    return [
        agrees("returns_pair_and_words", impl, rand[:1], "none"),
        input_not_modified("input_not_modified", impl, BUILT["overlap"]),
        agrees("counts_weighted_by_frequency", impl, [BUILT["weighted"]], "pair"),
        agrees("counts_every_occurrence", impl, [BUILT["repeats"]], "pair"),
        agrees("no_pairs_across_words", impl, [BUILT["across"]], "pair"),
        agrees("ties_go_to_smallest_pair", impl, [BUILT["ties"], BUILT["ties_joined"]], "pair"),
        agrees("merges_left_to_right", impl, [BUILT["overlap"]], "words"),
        agrees("merges_whole_symbols", impl, [BUILT["substring"]], "words"),
        spellings_kept("words_and_counts_kept", impl, rand + [BUILT["overlap"]]),
        agrees("matches_reference", impl, rand + list(BUILT.values()), "both"),
    ]


# --- informative: each hand-built corpus separates its mistake ------------------------------------------


def counts(words, mode="right"):
    out = {}
    if mode == "stream":  # every word written out freq times, one after another
        stream = [s for w, f in words.items() for _ in range(f) for s in w]
        for p in zip(stream, stream[1:]):
            out[p] = out.get(p, 0) + 1
        return out
    for w, f in words.items():
        pairs = set(zip(w, w[1:])) if mode == "once" else list(zip(w, w[1:]))
        for p in pairs:
            out[p] = out.get(p, 0) + (1 if mode == "types" else f)
    return out


def winner(c, tie="smallest"):
    top = max(c.values())
    tied = [p for p in c if c[p] == top]
    return {"smallest": min(tied), "first": tied[0], "largest": max(tied)}[tie]


def informative(seed: int = 0) -> list:
    b = BUILT
    right = {k: reference(dict(w))[0] for k, w in b.items()}
    overlap_wrong = {("a", "a", "a"): ("aa", "aa", "a")}  # what stepping by one after a merge gives
    joined = {" ".join(w).replace("a b", "ab") for w in b["substring"]}
    winners = {reference(dict(w))[0] for w in corpora(seed)}
    return [
        check_true("weighted_differs_from_type_counts", winner(counts(b["weighted"], "types")) != right["weighted"]),
        check_true("once_per_word_differs", winner(counts(b["repeats"], "once")) != right["repeats"]),
        check_true("cross_word_stream_differs", winner(counts(b["across"], "stream")) != right["across"]),
        check_true("ties_first_seen_and_largest_differ",
                   winner(counts(b["ties"]), "first") != right["ties"] != winner(counts(b["ties"]), "largest")
                   and winner(counts(b["ties_joined"]), "first") != right["ties_joined"]),  # fmt: skip
        check_true("overlap_run_is_merged",
                   right["overlap"] == ("a", "a") and all(w in b["overlap"] for w in overlap_wrong)),
        check_true("string_replace_differs", {"xab", "abd"} <= joined and right["substring"] == ("a", "b")),
        check_at_least("random_corpora_pick_different_pairs", 3, len(winners)),
    ]
