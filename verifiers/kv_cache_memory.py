"""A KV cache holds 2 · n_layers · n_kv_heads · head_dim · seq_len · batch values (keys and values, every
layer, every position): for Llama-2-7B (32 layers, 32 heads of 128) at 4,096 tokens in fp16 that is exactly
2 GiB per sequence, 512 KiB per token.

The formula is checked against the cache a real decoding loop builds: a tiny decoder-only transformer
(grouped-query attention, 4 query heads sharing 2 KV heads) generates token by token, each step appending its
keys and values and attending over everything cached so far. Its logits equal a full causal forward pass
without a cache (so the cache really is what attention reads); its bytes (.numel() * .element_size()) are
counted in fp64, fp32 and fp16. Then Llama-2-7B by hand: 2 · 32 · 32 · 128 · 4096 · 2 bytes = 2^31 bytes.
"""

import math

import torch
import torch.nn.functional as F
from _kit import check, main

from quiz.params import kv_cache_bytes

VOCAB, D_MODEL, N_LAYERS, N_HEADS, N_KV_HEADS = 32, 16, 3, 4, 2  # head_dim = 16 / 4 = 4


def init(g, n_kv_heads: int = N_KV_HEADS, dtype=torch.float64) -> dict:
    """Weights of a tiny pre-norm decoder: the cache shapes follow from them, not from the formula."""
    hd = D_MODEL // N_HEADS

    def w(*shape):
        return (torch.randn(*shape, generator=g, dtype=torch.float64) / math.sqrt(shape[0])).to(dtype)

    layers = [dict(wq=w(D_MODEL, N_HEADS * hd), wk=w(D_MODEL, n_kv_heads * hd), wv=w(D_MODEL, n_kv_heads * hd),
                   wo=w(N_HEADS * hd, D_MODEL), w1=w(D_MODEL, 4 * D_MODEL), w2=w(4 * D_MODEL, D_MODEL))
              for _ in range(N_LAYERS)]  # fmt: skip
    return {"embed": w(VOCAB, D_MODEL), "layers": layers, "n_kv_heads": n_kv_heads}


def rms(x):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)


def attend(q, k, v, causal: bool):
    """q (B, H, Tq, hd); k, v (B, H_kv, Tk, hd): each KV head serves H/H_kv query heads."""
    group = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(group, 1), v.repeat_interleave(group, 1)  # (B, H, Tk, hd)
    att = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])  # (B, H, Tq, Tk)
    if causal:
        att = att.masked_fill(torch.ones(att.shape[-2:], dtype=torch.bool).triu(1), float("-inf"))
    return att.softmax(-1) @ v  # (B, H, Tq, hd)


def heads(x, n):
    b, t, _ = x.shape
    return x.view(b, t, n, -1).transpose(1, 2)  # (B, n, T, hd)


def forward(p, tokens):
    """Full causal pass, no cache: tokens (B, T) -> logits (B, T, V)."""
    x = p["embed"][tokens]  # (B, T, D)
    for w in p["layers"]:
        h = rms(x)
        kv = p["n_kv_heads"]
        y = attend(heads(h @ w["wq"], N_HEADS), heads(h @ w["wk"], kv), heads(h @ w["wv"], kv), True)
        x = x + y.transpose(1, 2).flatten(2) @ w["wo"]
        x = x + F.relu(rms(x) @ w["w1"]) @ w["w2"]
    return rms(x) @ p["embed"].T


def decode(p, tokens):
    """Token by token with a KV cache: returns (logits (B, T, V), the cache: per layer (K, V))."""
    b = tokens.shape[0]
    cache = [None] * len(p["layers"])
    out = []
    for t in range(tokens.shape[1]):
        x = p["embed"][tokens[:, t : t + 1]]  # (B, 1, D): only the new token is computed
        for i, w in enumerate(p["layers"]):
            h = rms(x)
            k, v = heads(h @ w["wk"], p["n_kv_heads"]), heads(h @ w["wv"], p["n_kv_heads"])  # (B, H_kv, 1, hd)
            if cache[i] is not None:
                k, v = torch.cat([cache[i][0], k], 2), torch.cat([cache[i][1], v], 2)  # (B, H_kv, t+1, hd)
            cache[i] = (k, v)
            y = attend(heads(h @ w["wq"], N_HEADS), k, v, False)  # the new query sees every cached position
            x = x + y.transpose(1, 2).reshape(b, 1, -1) @ w["wo"]
            x = x + F.relu(rms(x) @ w["w1"]) @ w["w2"]
        out.append(rms(x) @ p["embed"].T)
    return torch.cat(out, 1), cache


def nbytes(cache) -> int:
    return sum(t.numel() * t.element_size() for kv in cache for t in kv)


def run(seed: int = 0, cache_bytes=kv_cache_bytes) -> list:
    g = torch.Generator().manual_seed(seed)
    T, B = 10, 2
    tokens = torch.randint(0, VOCAB, (B, T), generator=g)
    p64 = init(g)
    logits, cache = decode(p64, tokens)
    checks = [check("cached_decode_vs_full_forward", 0.0, (logits - forward(p64, tokens)).abs().max(), abs_tol=1e-10)]
    hd = D_MODEL // N_HEADS
    for dtype in (torch.float64, torch.float32, torch.float16):
        layers = [{k: v.to(dtype) for k, v in w.items()} for w in p64["layers"]]
        p = {**p64, "embed": p64["embed"].to(dtype), "layers": layers}
        measured = nbytes(decode(p, tokens)[1]) if dtype != torch.float64 else nbytes(cache)
        size = torch.tensor([], dtype=dtype).element_size()
        checks.append(check(f"formula_vs_decode_cache_{str(dtype).removeprefix('torch.')}",
                            cache_bytes(N_LAYERS, N_KV_HEADS, hd, T, B, size), measured, abs_tol=0))  # fmt: skip
    # Llama-2-7B: 32 layers, 32 KV heads (no GQA), head_dim 128, fp16.
    checks.append(check("llama2_7b_4096_tokens_fp16_bytes", 2 * 2**30, cache_bytes(32, 32, 128, 4096),
                        abs_tol=0, note="2 GiB; the defaults: one sequence, 2 bytes per value"))
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
