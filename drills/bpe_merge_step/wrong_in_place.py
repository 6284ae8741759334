"""Rewrites the caller's dict in place (pop the old word, insert the merged one) and returns it."""

FAILS = "input_not_modified"


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
        for pair in zip(word, word[1:]):
            counts[pair] = counts.get(pair, 0) + freq
    best = min(counts, key=lambda p: (-counts[p], p))
    for word in list(word_freqs):
        word_freqs[merge(word, best)] = word_freqs.pop(word)
    return best, word_freqs
