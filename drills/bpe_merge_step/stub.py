def bpe_merge_step(word_freqs: dict[tuple[str, ...], int]) -> tuple[tuple[str, str], dict[tuple[str, ...], int]]:
    """One step of BPE training.

    word_freqs maps each word, written as a tuple of symbols (("l", "o", "w"), or ("lo", "w") after a
    merge), to how often it occurs; no two words have the same spelling, and some word has >= 2 symbols.
    Count every adjacent pair of symbols inside each word, every occurrence, weighted by the word's
    frequency (never across two words). The pair to merge is the most frequent one; ties go to the
    smallest pair in Python's tuple order. Merge it in every word, scanning left to right without
    overlaps (("a", "a", "a") -> ("aa", "a")).
    Returns (pair, new_word_freqs): pair a tuple of two strings; a new dict, same frequencies.
    Do not modify word_freqs.
    """
    raise NotImplementedError("write bpe_merge_step")
