"""PagedAttention stores each sequence's KV cache in fixed-size blocks scattered through a shared pool and
finds them through a per-sequence block table (logical block -> physical block); attention over the
gathered blocks equals attention over a contiguous cache, a sequence of T tokens holds ceil(T / block_size)
blocks, and the only waste is the unfilled tail of its last block (fewer than block_size slots).

Blocks are handed out from a free list in arbitrary order, so a sequence's blocks are not contiguous in the
pool; the gather must follow the table, not assume physical block = logical block.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_most, main

from quiz.params_tuning_scaling import paged_blocks


def gather_kv(pool, table, seq_len: int):
    """pool (n_blocks, block_size, d); table: this sequence's physical block ids -> (seq_len, d)."""
    block_size = pool.shape[1]
    pos = torch.arange(seq_len)
    physical = torch.tensor(table)[pos // block_size]  # which physical block holds each position
    return pool[physical, pos % block_size]  # (seq_len, d)


def run(seed: int = 0, gather=gather_kv) -> list:
    g = torch.Generator().manual_seed(seed)
    block_size, n_blocks, d = 4, 16, 8
    lens = [7, 13, 4, 1]  # ragged sequences sharing one pool
    k_pool = torch.zeros(n_blocks, block_size, d, dtype=torch.float64)
    v_pool = torch.zeros_like(k_pool)
    free = torch.randperm(n_blocks, generator=g).tolist()  # the allocator's free list, in no order
    tables, keys, values = [], [], []
    for T in lens:
        k = torch.randn(T, d, generator=g, dtype=torch.float64)  # this sequence's keys, as a contiguous cache
        v = torch.randn(T, d, generator=g, dtype=torch.float64)
        table = []
        for t in range(T):  # append token by token as decoding would; take a new block when the last is full
            if t % block_size == 0:
                table.append(free.pop())
            k_pool[table[-1], t % block_size] = k[t]
            v_pool[table[-1], t % block_size] = v[t]
        tables.append(table)
        keys.append(k)
        values.append(v)

    checks, worst = [], 0.0
    for T, table, k, v in zip(lens, tables, keys, values, strict=True):
        q = torch.randn(1, d, generator=g, dtype=torch.float64)  # the newest token's query
        paged = F.scaled_dot_product_attention(q[None], gather(k_pool, table, T)[None], gather(v_pool, table, T)[None])
        contiguous = F.scaled_dot_product_attention(q[None], k[None], v[None])
        worst = max(worst, (paged - contiguous).abs().max().item())
    checks.append(check("max_abs_diff_vs_contiguous", 0.0, worst, abs_tol=1e-12))

    allocated = [len(t) for t in tables]
    checks.append(check("blocks_allocated_vs_formula", sum(paged_blocks(T, block_size) for T in lens),
                        sum(allocated), abs_tol=0))
    waste = [n * block_size - T for n, T in zip(allocated, lens, strict=True)]  # empty slots in each last block
    checks.append(check_at_most("max_wasted_slots_per_sequence", block_size - 1, max(waste)))
    # By hand: 13 tokens in blocks of 4 take 4 blocks (16 slots), 3 empty; an allocator that reserved a
    # 2048-token maximum up front for the same reply would leave 2035 slots empty.
    checks.append(check("slots_wasted_13_tokens_block_4", 3, paged_blocks(13, 4) * 4 - 13, abs_tol=0))
    return checks


if __name__ == "__main__":
    main(run)
