"""Counts pairs once on the characters and returns the num_merges most frequent, never recounting after a merge."""

FAILS = "counts_recomputed_after_each_merge"


def merge(word, pair):
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def count(word_freqs):
    counts = {}
    for word, freq in word_freqs.items():
        for pair in zip(word, word[1:]):
            counts[pair] = counts.get(pair, 0) + freq
    return counts


def bpe_train(corpus, num_merges):
    word_freqs = {}
    for w in corpus.split():
        word_freqs[tuple(w)] = word_freqs.get(tuple(w), 0) + 1
    counts = count(word_freqs)
    return sorted(counts, key=lambda p: (-counts[p], p))[:num_merges]
