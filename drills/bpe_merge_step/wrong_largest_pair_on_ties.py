"""Sorts by (count, pair) descending, so ties go to the largest pair instead of the smallest."""

FAILS = "ties_go_to_smallest_pair"


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
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return best, {merge(w, best): f for w, f in word_freqs.items()}
