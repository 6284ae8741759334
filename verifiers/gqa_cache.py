"""Grouped-query attention lets each group of H/H_kv query heads share one key/value head, so the KV cache
shrinks by H/H_kv (multi-query attention is H_kv = 1, a factor H); the computation equals PyTorch's
scaled_dot_product_attention with enable_gqa, and with H_kv = H it is ordinary multi-head attention.

Only keys and values are cached, so the cache is 2·L·H_kv·d_h·T·B values instead of 2·L·H·d_h·T·B.
Llama-2-70B (80 layers, 64 query heads, 8 KV heads of 128) needs 1.25 GiB per 4,096-token sequence in
fp16 instead of 10 GiB with full multi-head attention. Query head h uses KV head h // (H/H_kv).
"""

import torch
import torch.nn.functional as F
from _kit import check, main

from quiz.params import kv_cache_bytes


def gqa_attention(q, k, v):
    """Causal. q (B, H, T, d_h); k, v (B, H_kv, T, d_h) with H_kv dividing H -> (B, H, T, d_h)."""
    group = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(group, dim=1)  # (B, H, T, d_h): heads 0..group-1 share KV head 0, ...
    v = v.repeat_interleave(group, dim=1)
    T = q.shape[2]
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5  # (B, H, T, T)
    future = torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)
    return scores.masked_fill(future, float("-inf")).softmax(dim=-1) @ v


def run(seed: int = 0, attention=gqa_attention) -> list:
    from kv_cache_memory import D_MODEL, N_HEADS, N_LAYERS, VOCAB, decode, init, nbytes  # a real decoding loop

    g = torch.Generator().manual_seed(seed)
    B, H, T, d_h = 2, 8, 10, 16
    q = torch.randn(B, H, T, d_h, generator=g, dtype=torch.float64)
    checks = []
    for name, h_kv in (("mha", H), ("gqa", 2), ("mqa", 1)):
        k = torch.randn(B, h_kv, T, d_h, generator=g, dtype=torch.float64)
        v = torch.randn(B, h_kv, T, d_h, generator=g, dtype=torch.float64)
        ref = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        diff = (attention(q, k, v) - ref).abs().max()
        checks.append(check(f"max_abs_diff_vs_sdpa_{name}", 0.0, diff, abs_tol=1e-12))  # float64 rounding
    # the cache a tiny decoder really builds while generating T tokens, with 4 query heads and 4, 2 or 1 KV heads
    tokens = torch.randint(0, VOCAB, (B, T), generator=g)
    built = {h_kv: nbytes(decode(init(g, n_kv_heads=h_kv), tokens)[1]) for h_kv in (N_HEADS, 2, 1)}
    checks += [
        check("cache_shrink_gqa", N_HEADS / 2, built[N_HEADS] / built[2], abs_tol=0, note="H / H_kv = 4 / 2"),
        check("cache_shrink_mqa", N_HEADS, built[N_HEADS] / built[1], abs_tol=0, note="H / 1"),
        check("cache_bytes_gqa_vs_formula", kv_cache_bytes(N_LAYERS, 2, D_MODEL // N_HEADS, T, B, 8), built[2], abs_tol=0),
        # Llama-2-70B in fp16 at 4,096 tokens, by hand: 2·80·8·128·4096·2 bytes = 1.25 GiB.
        check("llama2_70b_4096_tokens_fp16_bytes", 1.25 * 2**30, kv_cache_bytes(80, 8, 128, 4096, 1, 2)),
    ]
    return checks


if __name__ == "__main__":
    main(run)
