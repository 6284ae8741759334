"""Serving capacity is set by the KV cache: the number of tokens that fit is the free memory divided by the
bytes per token (for Llama-2-7B in fp16, 64 GiB / 512 KiB = 131,072 tokens, 32 sequences of 4,096), and every
decode step reads each sequence's whole cache, which is not shared by the batch (16 such sequences: 32 GiB per
step, more than twice the weights). GQA and an 8-bit cache shrink the per-token bytes: Llama-2-70B with 8 KV
heads needs 160 KiB per token in 8 bits.

The per-token bytes are measured on a really allocated one-token cache with the model's shapes (per layer a
K and a V tensor of n_kv_heads × head_dim values), then compared with the kv_cache_bytes formula; capacity and
per-step reads follow from the measured bytes.
"""

import torch
from _kit import check, main

from quiz.params import kv_cache_bytes

GIB, KIB = 2**30, 2**10


def one_token_cache_bytes(n_layers: int, n_kv_heads: int, head_dim: int, dtype) -> int:
    cache = [(torch.zeros(1, n_kv_heads, 1, head_dim, dtype=dtype), torch.zeros(1, n_kv_heads, 1, head_dim, dtype=dtype))
             for _ in range(n_layers)]  # per layer (K, V), each (batch, H_kv, T, d_h)
    return sum(t.numel() * t.element_size() for kv in cache for t in kv)


def run(seed: int = 0, cache_bytes=kv_cache_bytes) -> list:
    del seed  # sizes only
    llama7b = one_token_cache_bytes(32, 32, 128, torch.float16)  # 32 layers, 32 KV heads (no GQA)
    llama70b_int8 = one_token_cache_bytes(80, 8, 128, torch.int8)  # 80 layers, 8 KV heads (GQA), 1 byte
    llama70b_fp16 = one_token_cache_bytes(80, 8, 128, torch.float16)
    tokens = 64 * GIB // llama7b
    return [
        check("llama2_7b_fp16_bytes_per_token", llama7b, cache_bytes(32, 32, 128, 1, 1, 2), abs_tol=0),
        check("llama2_70b_int8_bytes_per_token", llama70b_int8, cache_bytes(80, 8, 128, 1, 1, 1), abs_tol=0),
        check("llama2_70b_fp16_bytes_per_token", llama70b_fp16, cache_bytes(80, 8, 128, 1, 1, 2), abs_tol=0),
        # by hand: 2 x 80 x 8 x 128 x 1 byte = 163,840 bytes = 160 KiB
        check("llama2_70b_int8_kib_per_token", 160, llama70b_int8 / KIB, abs_tol=0),
        check("llama2_7b_tokens_in_64_gib", 131_072, tokens, abs_tol=0),
        check("llama2_7b_4096_sequences_in_64_gib", 32, tokens // 4096, abs_tol=0),
        # one decode step at batch 16, 4,096 tokens each: every sequence's cache is read once
        check("llama2_7b_batch16_4096_kv_read_gib", 32, 16 * 4096 * llama7b / GIB, abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
