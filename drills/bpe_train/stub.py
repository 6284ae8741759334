def bpe_train(corpus: str, num_merges: int) -> list[tuple[str, str]]:
    """Train byte-pair encoding on a small corpus; return the merges in the order they were learned.

    Words are corpus.split() (whitespace separates words); each word starts as a tuple of its characters,
    and identical words are counted together. Each step: count every adjacent pair of symbols inside each
    word, every occurrence, weighted by the word's frequency (never across two words); merge the most
    frequent pair (ties: the smallest pair in Python's tuple order) everywhere, left to right without
    overlaps (a a a -> aa a). Repeat num_merges times, or stop earlier when no word has two symbols left.
    Returns a list of (left, right) string pairs.
    """
    raise NotImplementedError("write bpe_train")
