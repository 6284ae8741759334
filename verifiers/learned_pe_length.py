"""A learned position table with 512 rows (BERT-base: 512 x 768 = 393,216 parameters) cannot
represent position 512: indexing it fails, and rows for positions never seen in training get no
gradient, so they stay at their random initialisation.

BERT and GPT-2 (1024 x 768) learn one vector per position. A sinusoidal encoding or RoPE
is a formula and can be evaluated at any position, though that alone does not make a
model generalise to longer inputs; a learned table has no row to evaluate at all.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _kit import check, check_at_least, check_true, main

from quiz.params import learned_pe_params


def make_table(max_len: int, d: int, g: torch.Generator) -> nn.Embedding:
    """One learned vector per position 0 .. max_len - 1."""
    table = nn.Embedding(max_len, d)
    with torch.no_grad():
        table.weight.copy_(0.02 * torch.randn(max_len, d, generator=g))  # BERT's init std
    return table


def can_index(table: nn.Embedding, position: int) -> bool:
    try:
        table(torch.tensor([position]))
        return True
    except IndexError:  # torch raises "index out of range in self"
        return False


def run(seed: int = 0, make_table=make_table) -> list:
    g = torch.Generator().manual_seed(seed)
    max_len, d = 512, 768
    table = make_table(max_len, d, g)
    n_params = sum(p.numel() for p in table.parameters())

    # one training step on sequences of 128 tokens: only rows 0..127 are used, so only they get gradient
    B, T = 2, 128
    tokens = torch.randn(B, T, d, generator=g)  # stand-in for token embeddings, (B, T, d)
    h = tokens + table(torch.arange(T))  # (B, T, d)
    F.mse_loss(h, torch.randn(B, T, d, generator=g)).backward()
    row_grad = table.weight.grad.norm(dim=-1)  # (max_len,)

    return [
        check("params", learned_pe_params(max_len, d), n_params, note="512 x 768"),
        check_true("position_511_ok", can_index(table, max_len - 1)),
        check_true("position_512_fails", not can_index(table, max_len)),
        check("unseen_rows_no_grad", 0.0, row_grad[T:].max(), abs_tol=0.0, note="rows 128..511"),
        check_at_least("seen_rows_get_grad", 1e-6, row_grad[:T].min(), note="rows 0..127"),
        check("gpt2_table", 786_432, learned_pe_params(1024, 768), rel_tol=0, note="1024 x 768, by hand"),
    ]


if __name__ == "__main__":
    main(run)
