"""After merging at position i it moves on to i + 1, so a run like a a a merges twice and grows a symbol."""

FAILS = "merges_left_to_right"


def bpe_merge_step(word_freqs):
    counts = {}
    for word, freq in word_freqs.items():
        for pair in zip(word, word[1:]):
            counts[pair] = counts.get(pair, 0) + freq
    best = min(counts, key=lambda p: (-counts[p], p))
    merged = {}
    for word, freq in word_freqs.items():
        out = []
        for i in range(len(word)):
            if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                out.append(word[i] + word[i + 1])
            elif not (i > 0 and (word[i - 1], word[i]) == best):
                out.append(word[i])
        merged[tuple(out)] = freq
    return best, merged
