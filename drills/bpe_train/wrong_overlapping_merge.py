"""Merges the pair at every position where it matches, so a a a becomes aa aa instead of aa a."""

FAILS = "merges_left_to_right"


def count(word_freqs):
    counts = {}
    for word, freq in word_freqs.items():
        for pair in zip(word, word[1:]):
            counts[pair] = counts.get(pair, 0) + freq
    return counts


def merge(word, pair):
    out = []
    for i in range(len(word)):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
        elif not (i > 0 and (word[i - 1], word[i]) == pair):
            out.append(word[i])
    return tuple(out)


def bpe_train(corpus, num_merges):
    word_freqs = {}
    for w in corpus.split():
        word_freqs[tuple(w)] = word_freqs.get(tuple(w), 0) + 1
    merges = []
    for _ in range(num_merges):
        counts = count(word_freqs)
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        word_freqs = {merge(w, best): f for w, f in word_freqs.items()}
    return merges
