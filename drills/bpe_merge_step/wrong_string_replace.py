"""Merges with " ".join(word).replace("a b", "ab"), which also matches inside longer symbols like "xa b"."""

FAILS = "merges_whole_symbols"


def bpe_merge_step(word_freqs):
    counts = {}
    for word, freq in word_freqs.items():
        for pair in zip(word, word[1:]):
            counts[pair] = counts.get(pair, 0) + freq
    best = min(counts, key=lambda p: (-counts[p], p))
    merged = {}
    for word, freq in word_freqs.items():
        text = " ".join(word).replace(" ".join(best), "".join(best))
        merged[tuple(text.split(" "))] = freq
    return best, merged
