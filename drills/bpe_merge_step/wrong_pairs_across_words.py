"""Writes the corpus out as one stream of symbols and counts pairs across word boundaries too."""

FAILS = "no_pairs_across_words"


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
    stream = [s for word, freq in word_freqs.items() for _ in range(freq) for s in word]
    counts = {}
    for pair in zip(stream, stream[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    best = min(counts, key=lambda p: (-counts[p], p))
    return best, {merge(w, best): f for w, f in word_freqs.items()}
