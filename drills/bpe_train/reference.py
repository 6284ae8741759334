def merge(word, pair):
    """word with every occurrence of pair merged, left to right, without overlaps."""
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def bpe_train(corpus, num_merges):
    word_freqs = {}  # ('l', 'o', 'w') -> how many times "low" occurs
    for word in corpus.split():
        word_freqs[tuple(word)] = word_freqs.get(tuple(word), 0) + 1
    merges = []
    for _ in range(num_merges):
        counts = {}  # recounted after every merge, on the current symbols
        for word, freq in word_freqs.items():
            for pair in zip(word, word[1:]):  # inside a word only, every occurrence
                counts[pair] = counts.get(pair, 0) + freq
        if not counts:  # every word is a single symbol: nothing left to merge
            break
        best = min(counts, key=lambda p: (-counts[p], p))  # most frequent; ties -> the smallest pair
        merges.append(best)
        word_freqs = {merge(w, best): f for w, f in word_freqs.items()}
    return merges
