"""BERT's next-sentence-prediction pairs are 50% IsNext (B is the sentence that really follows A)
and 50% NotNext (B is a random sentence from another document).

Devlin et al. 2019, section 3.1. Because NotNext sentences come from other documents, the
task can mostly be solved by spotting a change of topic; RoBERTa (Liu et al. 2019) found
that dropping NSP does not hurt, and ALBERT replaced it by sentence-order prediction
(B is A's true neighbour, but possibly swapped).
"""

import math

import torch
from _kit import check, main


def make_nsp_pairs(doc_of: torch.Tensor, n_pairs: int, g: torch.Generator):
    """doc_of: (S,) document id of each sentence, documents stored contiguously in order.
    Returns sentence ids a, b (n_pairs,) and is_next (n_pairs,) bool."""
    S = doc_of.shape[0]
    has_next = torch.cat([doc_of[1:] == doc_of[:-1], torch.tensor([False])])  # (S,) not a doc's last
    candidates = has_next.nonzero().squeeze(1)
    a = candidates[torch.randint(len(candidates), (n_pairs,), generator=g)]
    is_next = torch.rand(n_pairs, generator=g) < 0.5
    b = torch.randint(S, (n_pairs,), generator=g)  # random sentence for NotNext ...
    same = doc_of[b] == doc_of[a]
    while same.any():  # ... redrawn while it falls in A's own document (BERT's code also retries)
        b[same] = torch.randint(S, (int(same.sum()),), generator=g)
        same = doc_of[b] == doc_of[a]
    b = torch.where(is_next, a + 1, b)
    return a, b, is_next


def run(seed: int = 0, make_nsp_pairs=make_nsp_pairs) -> list:
    g = torch.Generator().manual_seed(seed)
    n_docs, n_pairs = 200, 20_000
    lengths = torch.randint(3, 30, (n_docs,), generator=g)  # sentences per document
    doc_of = torch.repeat_interleave(torch.arange(n_docs), lengths)  # (S,)

    a, b, is_next = make_nsp_pairs(doc_of, n_pairs, g)
    nxt, other = is_next, ~is_next
    # ground truth from the corpus itself: b follows a iff b = a + 1 inside the same document
    truly_next = (b == a + 1) & (doc_of[b] == doc_of[a])
    same_doc = doc_of[b] == doc_of[a]

    return [
        # 5 binomial standard errors: 5 * sqrt(0.25 / 20000) ~ 0.018
        check("is_next_fraction", 0.5, nxt.float().mean(), abs_tol=5 * math.sqrt(0.25 / n_pairs)),
        check("is_next_pairs_follow", 1.0, truly_next[nxt].float().mean(), abs_tol=0.0),
        check("not_next_from_other_document", 0.0, same_doc[other].float().mean(), abs_tol=0.0),
    ]


if __name__ == "__main__":
    main(run)
