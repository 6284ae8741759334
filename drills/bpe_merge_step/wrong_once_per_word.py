"""Counts the set of pairs in each word, so a pair repeated inside one word is counted only once."""

FAILS = "counts_every_occurrence"


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
    for word, freq in word_freqs.items():
        for pair in set(zip(word, word[1:])):
            counts[pair] = counts.get(pair, 0) + freq
    best = min(counts, key=lambda p: (-counts[p], p))
    return best, {merge(w, best): f for w, f in word_freqs.items()}
