def bpe_merge_step(word_freqs):
    counts = {}  # (left, right) -> how often it occurs in the corpus
    for word, freq in word_freqs.items():
        for pair in zip(word, word[1:]):  # adjacent symbols inside one word: every occurrence
            counts[pair] = counts.get(pair, 0) + freq  # weighted by how often the word occurs
    best = min(counts, key=lambda p: (-counts[p], p))  # most frequent; ties -> the smallest pair
    merged = {}
    for word, freq in word_freqs.items():
        out, i = [], 0
        while i < len(word):  # left to right, never reusing a merged symbol
            if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                out.append(word[i] + word[i + 1])
                i += 2
            else:
                out.append(word[i])
                i += 1
        merged[tuple(out)] = freq
    return best, merged
