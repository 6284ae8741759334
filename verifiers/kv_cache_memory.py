"""A KV cache holds 2 · n_layers · n_kv_heads · head_dim · seq_len · batch values (keys and values, every
layer, every position): for Llama-2-7B (32 layers, 32 heads of 128) at 4,096 tokens in fp16 that is exactly
2 GiB per sequence, 512 KiB per token.

The formula is checked against the bytes of real cache tensors (.numel() * .element_size()) grown by a small
decoding loop, in fp16 and fp32, then evaluated for Llama-2-7B and compared with a hand computation:
2 · 32 · 32 · 128 · 4096 · 2 bytes = 2^31 bytes = 2 GiB (about 2.15 GB).
"""

import torch
from _kit import check, main

from quiz.params import kv_cache_bytes


def decode_cache(g, n_layers, n_kv_heads, head_dim, seq_len, batch, dtype):
    """Run seq_len decoding steps of the k/v projections only; return the per-layer (k, v) caches."""
    d = n_kv_heads * head_dim
    w_k = [torch.randn(d, d, generator=g) for _ in range(n_layers)]
    w_v = [torch.randn(d, d, generator=g) for _ in range(n_layers)]
    cache = [(torch.empty(batch, n_kv_heads, 0, head_dim, dtype=dtype),) * 2 for _ in range(n_layers)]
    for _ in range(seq_len):
        x = torch.randn(batch, d, generator=g)  # the new token's hidden state at each layer (stand-in)
        for layer in range(n_layers):
            k = (x @ w_k[layer]).view(batch, n_kv_heads, 1, head_dim).to(dtype)  # (B, H_kv, 1, d_h)
            v = (x @ w_v[layer]).view(batch, n_kv_heads, 1, head_dim).to(dtype)
            cache[layer] = (torch.cat([cache[layer][0], k], dim=2), torch.cat([cache[layer][1], v], dim=2))
    return cache


def nbytes(cache) -> int:
    return sum(t.numel() * t.element_size() for kv in cache for t in kv)


def run(seed: int = 0, cache_bytes=kv_cache_bytes) -> list:
    g = torch.Generator().manual_seed(seed)
    L, H_kv, d_h, T, B = 3, 2, 8, 10, 2  # a small config whose cache is really allocated
    checks = []
    for dtype, size in ((torch.float16, 2), (torch.float32, 4)):
        measured = nbytes(decode_cache(g, L, H_kv, d_h, T, B, dtype))
        name = str(dtype).removeprefix("torch.")
        expected = cache_bytes(L, H_kv, d_h, T, B, size)
        checks.append(check(f"formula_vs_allocated_{name}", expected, measured, abs_tol=0))
    # Llama-2-7B: 32 layers, 32 KV heads (no GQA), head_dim 128, fp16.
    checks.append(check("llama2_7b_4096_tokens_fp16_bytes", 2 * 2**30, cache_bytes(32, 32, 128, 4096, 1, 2),
                        abs_tol=0, note="2 GiB"))
    checks.append(check("llama2_7b_per_token_fp16_bytes", 512 * 2**10, cache_bytes(32, 32, 128, 1, 1, 2),
                        abs_tol=0, note="512 KiB"))
    return checks


def figures(seed: int = 0, cache_bytes=kv_cache_bytes) -> list:
    """KV-cache size per sequence against context length for Llama-2-7B in fp16, and with 8 KV heads (GQA)."""
    from _kit import line_figure, series

    del seed  # deterministic
    lengths = [512 * i for i in range(1, 65)]  # 512 .. 32,768 tokens
    gib = 2**30
    return [
        line_figure("cache_vs_length", "KV cache per sequence, Llama-2-7B shape, fp16", ("context length", "tokens"),
                    ("cache", "GiB"),
                    [series("32 KV heads (MHA)", lengths, [cache_bytes(32, 32, 128, t, 1, 2) / gib for t in lengths],
                            "32 个 KV 头（MHA）"),
                     series("8 KV heads (GQA)", lengths, [cache_bytes(32, 8, 128, t, 1, 2) / gib for t in lengths],
                            "8 个 KV 头（GQA）")],
                    title_zh="每条序列的 KV 缓存，Llama-2-7B 结构，fp16",
                    note=f"linear in length: {cache_bytes(32, 32, 128, 4096, 1, 2) / gib:g} GiB at 4,096 tokens",
                    note_zh=f"随长度线性增长：4,096 个 token 时 {cache_bytes(32, 32, 128, 4096, 1, 2) / gib:g} GiB"),
    ]


if __name__ == "__main__":
    main(run)
