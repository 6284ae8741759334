"""Greedy decoding can miss the most probable sequence: in a constructed two-step example greedy finds
probability 0.20 while beam search with width 2 finds 0.36. Beam search is still an approximation: on random
models width 2 sometimes misses the best sequence, while a beam as wide as the number of prefixes always finds it.

The example (after "The"): nice 0.5, dog 0.4, car 0.1; after "nice": woman 0.4, house 0.3, guy 0.3;
after "dog": has 0.9, ...; after "car": drives 0.5, .... Greedy takes "nice" (0.5) and then the best it can
get is 0.5·0.4 = 0.20; "dog has" has 0.4·0.9 = 0.36 but starts with the second-best word.
"""

import itertools
import math

import torch
from _kit import check, check_at_least, main  # verifiers/ is on sys.path when run as a script or by the quiz

# The example as token ids 0, 1, 2 at each step. Words: () -> nice, dog, car; (0,) -> woman, house, guy;
# (1,) -> has, runs, and; (2,) -> is, drives, turns.
EXAMPLE = {(): [0.5, 0.4, 0.1], (0,): [0.4, 0.3, 0.3], (1,): [0.9, 0.05, 0.05], (2,): [0.3, 0.5, 0.2]}


def greedy(next_probs, length: int):
    """Take the single most probable token at every step. Returns (tokens, log-probability)."""
    prefix, logp = (), 0.0
    for _ in range(length):
        p = next_probs(prefix)  # (V,)
        tok = int(p.argmax())
        prefix, logp = prefix + (tok,), logp + math.log(p[tok])
    return prefix, logp


def beam_search(next_probs, length: int, width: int):
    """Keep the `width` most probable prefixes at every step. Returns the best (tokens, log-probability)."""
    beams = [((), 0.0)]  # (prefix, log-probability)
    for _ in range(length):
        candidates = []
        for prefix, logp in beams:
            logq = next_probs(prefix).log().tolist()  # (V,)
            candidates += [(prefix + (tok,), logp + lq) for tok, lq in enumerate(logq)]
        candidates.sort(key=lambda c: c[1], reverse=True)
        beams = candidates[:width]
    return beams[0]


def exhaustive_best(table: dict, vocab: int, length: int) -> float:
    """Reference: score every one of vocab**length sequences; the best log-probability."""
    best = -math.inf
    for seq in itertools.product(range(vocab), repeat=length):
        best = max(best, sum(math.log(table[seq[:i]][seq[i]]) for i in range(length)))
    return best


def random_table(g, vocab: int, length: int) -> dict:
    """A random 'language model': a next-token distribution for every prefix shorter than `length`."""
    table = {}
    for n in range(length):
        for prefix in itertools.product(range(vocab), repeat=n):
            logits = torch.randn(vocab, generator=g, dtype=torch.float64)  # (V,)
            table[prefix] = torch.softmax(logits, 0).tolist()
    return table


def run(seed: int = 0, decode=beam_search) -> list:
    g = torch.Generator().manual_seed(seed)

    def lookup(table):  # a table of probabilities -> a model: prefix -> (V,) next-token probabilities
        return lambda prefix: torch.tensor(table[prefix], dtype=torch.float64)

    example = lookup(EXAMPLE)
    _, lp_greedy = greedy(example, 2)
    _, lp_beam = decode(example, 2, 2)

    # Random models: V = 4 tokens, 4 steps, so 4**3 = 64 prefixes before the last step. Width 2 misses the
    # best sequence in about 15% of such models (1000 tried), so 40 models all being found has chance ~0.1%.
    V, L, n_models = 4, 4, 40
    same_as_greedy = exact_full_width = beam2_misses = 0
    for _ in range(n_models):
        table = random_table(g, V, L)
        model = lookup(table)
        best = exhaustive_best(table, V, L)
        same_as_greedy += decode(model, L, 1)[0] == greedy(model, L)[0]
        exact_full_width += abs(decode(model, L, V ** (L - 1))[1] - best) < 1e-9
        beam2_misses += decode(model, L, 2)[1] < best - 1e-9

    return [
        check("greedy_example_prob", expected=0.5 * 0.4, measured=math.exp(lp_greedy), abs_tol=1e-12),
        check("beam2_example_prob", expected=0.4 * 0.9, measured=math.exp(lp_beam), abs_tol=1e-12),
        check("width1_equals_greedy", expected=n_models, measured=same_as_greedy, abs_tol=0),
        check("full_width_finds_best", expected=n_models, measured=exact_full_width, abs_tol=0),
        check_at_least("beam2_misses_best_count", 1, beam2_misses,
                       note="width 2 is not exact search: it misses the best sequence in some random models"),
    ]


if __name__ == "__main__":
    main(run)
