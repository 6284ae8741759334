"""Judge for BPE training: the answer is a list of merges (Python data), so this judge calls the learner's
function itself and compares lists. Hand-built corpora isolate each mistake: frequencies of repeated
words, no pairs across words, ties to the smallest pair, left-to-right merging (seen in the next merge),
pair counts recomputed on the merged words after every merge, exactly num_merges merges and an early stop
when nothing is left to merge; then a property on random corpora (each merge is a pair that occurs in the
words at the time it is made) and the reference. informative() proves each hand-built corpus separates
its mistake."""

import random

from _judge import check_at_least, check_true, failed, first_line, passed, sibling

_ref = sibling(__file__, "reference")
reference, merge = _ref.bpe_train, _ref.merge


class Bad(Exception):
    """The learner's function did not give a usable answer; one line for the learner."""


def attempt(impl, corpus, num_merges):
    try:
        out = impl(corpus, num_merges)
    except SystemExit as exc:
        raise Bad(f"called sys.exit({exc.code!r}) instead of returning") from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  (the learner's code may raise anything)
        raise Bad(f"raised {type(exc).__name__}: {first_line(str(exc))} (corpus {short(corpus)!r}, "
                  f"num_merges={num_merges})") from None  # fmt: skip
    if not isinstance(out, (list, tuple)):
        raise Bad(f"returned {type(out).__name__}; expected a list of (left, right) pairs")
    pairs = []
    for p in out:
        if not (isinstance(p, (tuple, list)) and len(p) == 2 and all(isinstance(s, str) for s in p)):
            raise Bad(f"the merge {p!r} is not a pair of strings")
        pairs.append(tuple(p))
    return pairs


def short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def word_counts(corpus: str) -> dict:
    out = {}
    for w in corpus.split():
        out[w] = out.get(w, 0) + 1
    return out


def example(corpus, num_merges, want, got):
    counts = ", ".join(f"{w}×{n}" for w, n in word_counts(corpus).items())
    k = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), min(len(want), len(got)))
    lines = [f"corpus words: {short(counts, 110)}", f"num_merges: {num_merges}",
             f"expected: {want}", f"got:      {got}",
             f"first difference at merge {k + 1}" if want != got else ""]  # fmt: skip
    return "\n".join(line for line in lines if line)


def agrees(name, impl, cases, upto=None):
    """impl's merges equal the reference's (the first `upto` of them, when given) on every (corpus, n)."""
    for corpus, n in cases:
        want = reference(corpus, n)
        try:
            got = attempt(impl, corpus, n)
        except Bad as exc:
            return failed(name, str(exc))
        w, g = (want, got) if upto is None else (want[:upto], got[:upto])
        if w != g:
            what = "merges differ" if upto is None else "first merge differs" if upto == 1 else f"first {upto} merges differ"
            return failed(name, f"the {what} from the expected ones", example(corpus, n, want, got))
    return passed(name)


def merges_exist(name, impl, cases):
    """Replaying the learner's merges on the corpus, each merged pair occurs in the words when it is made."""
    for corpus, n in cases:
        try:
            got = attempt(impl, corpus, n)
        except Bad as exc:
            return failed(name, str(exc))
        words = {tuple(w) for w in corpus.split()}
        for i, pair in enumerate(got):
            if not any(p == pair for w in words for p in zip(w, w[1:])):  # noqa: B905
                return failed(name, f"merge {i + 1}, {pair!r}, is not a pair of adjacent symbols in the words at "
                                    "that point", example(corpus, n, reference(corpus, n), got))  # fmt: skip
            words = {merge(w, pair) for w in words}
    return passed(name)


def length(name, impl, cases):
    for corpus, n in cases:
        want = reference(corpus, n)
        try:
            got = attempt(impl, corpus, n)
        except Bad as exc:
            return failed(name, str(exc))
        if len(got) != len(want):
            return failed(name, f"{len(got)} merges for num_merges={n}; expected {len(want)}",
                          example(corpus, n, want, got))  # fmt: skip
    return passed(name)


# --- corpora --------------------------------------------------------------------------------------

BUILT = {
    # "ab" occurs 4 times, "cd" only once but in 3 distinct words: by frequency (a, b) first
    "weighted": ("ab ab ab ab xcd ycd zcd", 2),
    # one-letter words: joined into one stream, (a, a) would win; inside words (c, b) does
    "across": ("a a a a a a cb cb dc", 2),
    # (num_merges is one more than the merges compared, so a solution one merge short is caught elsewhere)
    # (d, e), (b, c), (c, d) tie at 3: (b, c) first
    "ties": ("de de de bc bc bc cd cd cd az", 2),
    # after (a, a), left to right gives aa a and aa aa, so the next merge is (aa, a), not (aa, aa)
    "overlap": ("aaa aaa aaa aaaa", 3),
    # initially (l, o) = 7 > (o, w) = 6 > (a, b) = 3; after (l, o) the next is (lo, w) = 5, not (o, w)
    "recount": ("low low low low low lo lo sow ab ab ab", 4),
    # one merge empties the corpus of pairs: stop after it, even though num_merges = 5
    "runs_out": ("ab ab c ab", 5),
}


def random_corpus(rng: random.Random) -> tuple[str, int]:
    pool = ["".join(rng.choice("abcd") for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(4, 9))]
    weights = [1.0 / (i + 1) for i in range(len(pool))]  # a few frequent words, a tail of rare ones
    words = rng.choices(pool, weights=weights, k=rng.randint(10, 30))
    return " ".join(words), rng.randint(3, 10)


def cases(seed: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    return [random_corpus(rng) for _ in range(6)] + [("low lower lowest newer wider", 0), ("", 3), ("x", 2)]


def run(impl, seed: int = 0) -> list:
    rand = cases(seed)
    b = BUILT
    enough = [c for c in rand if len(reference(*c)) == c[1]]  # corpora with at least num_merges merges
    return [
        agrees("returns_list_of_pairs", impl, rand[:1], upto=0),
        agrees("counts_weighted_by_frequency", impl, [b["weighted"]], upto=1),
        agrees("no_pairs_across_words", impl, [b["across"]], upto=1),
        agrees("ties_go_to_smallest_pair", impl, [b["ties"]], upto=1),
        agrees("counts_recomputed_after_each_merge", impl, [b["recount"]], upto=3),
        agrees("merges_left_to_right", impl, [b["overlap"]], upto=2),
        length("makes_num_merges", impl, enough + [b["recount"]]),
        length("stops_when_no_pairs_left", impl, [b["runs_out"], ("x", 2), ("", 3)]),
        merges_exist("merges_exist_when_made", impl, rand + list(b.values())),
        agrees("matches_reference", impl, rand + list(b.values())),
    ]


# --- informative: each hand-built corpus separates its mistake ------------------------------------------


def first_pairs(corpus, mode):
    """The first merge under a mistaken count: 'types' (distinct words), 'stream' (one joined stream)."""
    counts = {}
    if mode == "stream":
        s = "".join(corpus.split())
        for p in zip(s, s[1:]):  # noqa: B905
            counts[p] = counts.get(p, 0) + 1
    else:
        for w in set(corpus.split()):
            for p in zip(w, w[1:]):  # noqa: B905
                counts[p] = counts.get(p, 0) + 1
    top = max(counts.values())
    return min(p for p in counts if counts[p] == top)


def counts_once(corpus, n):
    """The top-n pairs of the initial counts: what skipping the recount gives."""
    counts = {}
    for w in corpus.split():
        for p in zip(w, w[1:]):  # noqa: B905
            counts[p] = counts.get(p, 0) + 1
    return sorted(counts, key=lambda p: (-counts[p], p))[:n]


def informative(seed: int = 0) -> list:
    b = BUILT
    ref = {k: reference(*v) for k, v in b.items()}
    lengths = [len(reference(*c)) for c in cases(seed)]
    return [
        check_true("type_counts_differ", first_pairs(b["weighted"][0], "types") != ref["weighted"][0]),
        check_true("joined_stream_differs", first_pairs(b["across"][0], "stream") != ref["across"][0]),
        check_true("first_seen_tie_differs", ("d", "e") != ref["ties"][0] == ("b", "c")),
        check_true("overlap_changes_second_merge", ref["overlap"][:2] == [("a", "a"), ("aa", "a")]),
        check_true("counting_once_differs", counts_once(*b["recount"])[:3] != ref["recount"][:3]),
        check_true("corpus_runs_out_of_pairs", len(ref["runs_out"]) < b["runs_out"][1]),
        check_at_least("random_corpora_reach_num_merges", 3,
                       sum(n == c[1] and n > 0 for n, c in zip(lengths, cases(seed), strict=True))),
    ]
