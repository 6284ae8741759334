"""BERT's masked-LM corruption selects 15% of the tokens as prediction targets and, of those,
replaces 80% by [MASK], 10% by a random token and leaves 10% unchanged: 12%, 1.5% and 1.5% of all
tokens.

Devlin et al. 2019, section 3.1 and appendix C.2. The random and unchanged 10% exist
because [MASK] never appears at fine-tuning time: the model must build a good
representation of every input token, not only of masked ones. A random replacement can
draw the original token by chance (probability 1/V), so it then looks unchanged.
"""

import math

import torch
from _kit import check, main

from quiz.params import mlm_mask_token, mlm_random_token, mlm_selected

IGNORE = -100  # label of positions that are not predicted (F.cross_entropy's ignore_index)


def mask_tokens(tokens: torch.Tensor, g: torch.Generator, vocab_size: int, mask_id: int):
    """(B, T) token ids -> (inputs, labels), both (B, T). labels = IGNORE where nothing is predicted."""
    selected = torch.rand(tokens.shape, generator=g) < 0.15  # prediction targets
    labels = torch.where(selected, tokens, torch.full_like(tokens, IGNORE))
    r = torch.rand(tokens.shape, generator=g)  # one draw splits the selected tokens 80 / 10 / 10
    to_mask = selected & (r < 0.8)
    to_random = selected & (r >= 0.8) & (r < 0.9)  # the remaining 10% stay as they are
    random_ids = torch.randint(vocab_size, tokens.shape, generator=g)
    inputs = torch.where(to_mask, torch.full_like(tokens, mask_id), tokens)
    inputs = torch.where(to_random, random_ids, inputs)
    return inputs, labels


def run(seed: int = 0, mask_tokens=mask_tokens) -> list:
    g = torch.Generator().manual_seed(seed)
    V = 1000  # ordinary tokens 0..V-1; [MASK] gets its own id V
    mask_id = V
    tokens = torch.randint(V, (512, 512), generator=g)  # (B, T)
    n = tokens.numel()
    inputs, labels = mask_tokens(tokens, g, V, mask_id)

    selected = labels != IGNORE
    n_random = (selected & (inputs != mask_id) & (inputs != tokens)).sum()
    n_kept = (selected & (inputs == tokens)).sum()

    def tol(p):  # 5 binomial standard errors of a fraction p of n tokens
        return 5 * math.sqrt(p * (1 - p) / n)

    # expected fractions of all tokens; a random draw equal to the original (1/V) looks kept
    e_selected, e_mask = mlm_selected(n) / n, mlm_mask_token(n) / n  # 0.15, 0.12
    e_random = mlm_random_token(n) / n * (1 - 1 / V)  # ~0.015
    e_kept = 0.15 * 0.1 + mlm_random_token(n) / n / V  # ~0.015
    return [
        check("selected", e_selected, selected.sum() / n, abs_tol=tol(e_selected)),
        check("replaced_by_mask", e_mask, (inputs == mask_id).sum() / n, abs_tol=tol(e_mask)),
        check("replaced_by_random", e_random, n_random / n, abs_tol=tol(e_random)),
        check("selected_but_unchanged", e_kept, n_kept / n, abs_tol=tol(e_kept)),
        # exact bookkeeping: labels hold the original ids, unselected inputs are untouched
        check("labels_are_originals", 0, (labels[selected] != tokens[selected]).sum()),
        check("unselected_untouched", 0, (inputs[~selected] != tokens[~selected]).sum()),
        # the card formulas against BERT's recipe by hand: 15%, 15% x 80% = 12%, 15% x 10% = 1.5%
        check("formulas_vs_recipe_by_hand", 0.0, max(abs(mlm_selected(n) - n * 15 / 100) / n,
                                                     abs(mlm_mask_token(n) - n * 12 / 100) / n,
                                                     abs(mlm_random_token(n) - n * 15 / 1000) / n), abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
