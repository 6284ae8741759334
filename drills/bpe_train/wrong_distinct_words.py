"""Trains on set(corpus.split()), so a word that occurs many times counts once."""

FAILS = "counts_weighted_by_frequency"


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
    word_freqs = {tuple(w): 1 for w in set(corpus.split())}
    merges = []
    for _ in range(num_merges):
        counts = count(word_freqs)
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        word_freqs = {merge(w, best): f for w, f in word_freqs.items()}
    return merges
