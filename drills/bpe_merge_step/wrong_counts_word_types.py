"""Counts each pair once per occurrence but ignores how often the word occurs (word types, not tokens)."""

FAILS = "counts_weighted_by_frequency"


def merge(word, best):
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == best:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def bpe_merge_step(word_freqs):
    counts = {}
    for word in word_freqs:
        for pair in zip(word, word[1:]):
            counts[pair] = counts.get(pair, 0) + 1
    best = min(counts, key=lambda p: (-counts[p], p))
    return best, {merge(w, best): f for w, f in word_freqs.items()}
