"""Byte-pair encoding learns its vocabulary by repeatedly merging the most frequent adjacent pair of symbols,
counting each pair once per occurrence of its word in the corpus; on the toy corpus low×5, lower×2,
newest×6, widest×3 the first ten merges are exactly the hand-derived sequence below.

The corpus is the one of Sennrich et al. (2016). Words are split into characters plus an end-of-word
marker </w>. Ties between equally frequent pairs are broken alphabetically (any fixed rule works; real
implementations differ), which makes the sequence derivable by hand:

  step  merge               count  why
   1    e + s      -> es       9   newest 6 + widest 3 (tied with s t and t </w>; "e" sorts first)
   2    es + t     -> est      9
   3    est + </w> -> est</w>  9
   4    l + o      -> lo       7   low 5 + lower 2 (tied with o w)
   5    lo + w     -> low      7
   6    e + w      -> ew       6   newest only (tied with n e and w est</w>)
   7    ew + est</w>           6
   8    n + ewest</w>          6   "newest" is now a single symbol
   9    low + </w>             5   "low" as a whole word
  10    d + est</w>            3   widest (tied with i d and w i)

Each merge of a pair seen c times removes c symbols from the corpus: 95 symbols become 95 - 67 = 28.
"""

from collections import Counter
from itertools import pairwise

from _kit import check, check_true, main  # verifiers/ is on sys.path when run as a script or by the quiz

CORPUS = {"low": 5, "lower": 2, "newest": 6, "widest": 3}
HAND_MERGES = [("e", "s"), ("es", "t"), ("est", "</w>"), ("l", "o"), ("lo", "w"), ("e", "w"),
               ("ew", "est</w>"), ("n", "ewest</w>"), ("low", "</w>"), ("d", "est</w>")]
HAND_COUNTS = [9, 9, 9, 7, 7, 6, 6, 6, 5, 3]


def split(word: str) -> tuple:
    return tuple(word) + ("</w>",)


def merge_word(symbols: tuple, pair: tuple) -> tuple:
    """Replace every occurrence of the adjacent pair by one joined symbol, left to right."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_bpe(corpus: dict, n_merges: int):
    """Returns the merges [(pair, count), ...] and the corpus segmented by them {symbols: count}."""
    words = {split(w): n for w, n in corpus.items()}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for symbols, n in words.items():
            for a, b in pairwise(symbols):
                pairs[a, b] += n  # weighted by how often the word occurs
        best = min(pairs, key=lambda p: (-pairs[p], p))  # most frequent; ties: alphabetical
        merges.append((best, pairs[best]))
        words = {merge_word(symbols, best): n for symbols, n in words.items()}
    return merges, words


def encode(word: str, merges) -> tuple:
    """Segment a (possibly unseen) word by applying the learned merges in the order they were learned."""
    symbols = split(word)
    for pair, _ in merges:
        symbols = merge_word(symbols, pair)
    return symbols


def agreeing(got: list, want: list) -> int:
    """How many positions of `want` hold the same item in `got`."""
    return sum(i < len(got) and got[i] == w for i, w in enumerate(want))


def run(seed: int = 0, learn=learn_bpe) -> list:
    del seed  # BPE is deterministic
    merges, words = learn(CORPUS, 10)
    pairs = [pair for pair, _ in merges]
    counts = [count for _, count in merges]
    symbols_before = sum(len(split(w)) * n for w, n in CORPUS.items())  # 5·4 + 2·6 + 6·7 + 3·7 = 95
    symbols_after = sum(len(s) * n for s, n in words.items())

    return [
        check("merges_matching_hand", expected=10, measured=agreeing(pairs, HAND_MERGES), abs_tol=0),
        check("counts_matching_hand", expected=10, measured=agreeing(counts, HAND_COUNTS), abs_tol=0),
        check("corpus_symbols_after_10", expected=95 - sum(HAND_COUNTS), measured=symbols_after, abs_tol=0),
        check("corpus_symbols_before", expected=95, measured=symbols_before, abs_tol=0),
        # An unseen word is segmented with the learned merges: "lowest" -> low + est</w>.
        check_true("unseen_lowest_is_low_est", encode("lowest", merges) == ("low", "est</w>")),
    ]


if __name__ == "__main__":
    main(run)
