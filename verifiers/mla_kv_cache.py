"""Multi-head latent attention (DeepSeek-V2) caches, per token and layer, one compressed latent c_KV
(d_c values) and one RoPE key shared by all heads (d_R values) instead of K and V for every head:
(d_c + d_R) values against 2 * n_h * d_h for MHA and 2 * n_g * d_h for GQA. Decoding from that small cache,
with W_UK absorbed into the query and W_UV applied after the weighted sum, gives exactly the outputs of
attention over the fully decompressed keys and values.

DeepSeek-V2 (n_h = 128 heads of d_h = 128, d_c = 512, d_R = 64): 576 values per token per layer, against
32,768 for MHA (a 57x smaller cache), the same as GQA with 2.25 groups.
"""

import torch
from _kit import check, main

from quiz.params import kv_cache_bytes
from quiz.params_tuning_scaling import kv_bytes_per_token, mla_kv_bytes_per_token


def rope(x, pos):
    """Rotate consecutive pairs of the last dim of x (..., d_R) by angle pos * 10000^(-2i/d_R)."""
    d = x.shape[-1]
    theta = pos.to(x.dtype)[:, None] * 10000 ** (-torch.arange(0, d, 2, dtype=x.dtype) / d)  # (T, d/2)
    x1, x2 = x[..., 0::2], x[..., 1::2]
    if x.dim() == 3:  # (T, heads, d_R): same angle for every head
        theta = theta[:, None, :]
    out = torch.empty_like(x)
    out[..., 0::2] = x1 * theta.cos() - x2 * theta.sin()
    out[..., 1::2] = x1 * theta.sin() + x2 * theta.cos()
    return out


def make_weights(g, d, n_h, d_h, d_c, d_r):
    w = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64) / shape[0] ** 0.5  # noqa: E731
    return {"dkv": w(d, d_c), "uk": w(d_c, n_h * d_h), "uv": w(d_c, n_h * d_h), "kr": w(d, d_r),
            "q": w(d, n_h * d_h), "qr": w(d, n_h * d_r)}  # fmt: skip


def full_attention(x, W, n_h, d_h, d_r):
    """Reference: decompress K and V for every head and run causal attention. x (T, d) -> (T, n_h * d_h)."""
    T = x.shape[0]
    pos = torch.arange(T)
    c = x @ W["dkv"]  # (T, d_c)
    k = torch.cat([(c @ W["uk"]).view(T, n_h, d_h), rope(x @ W["kr"], pos)[:, None].expand(T, n_h, d_r)], -1)
    q = torch.cat([(x @ W["q"]).view(T, n_h, d_h), rope((x @ W["qr"]).view(T, n_h, d_r), pos)], -1)
    v = (c @ W["uv"]).view(T, n_h, d_h)
    s = torch.einsum("thd,shd->hts", q, k) / (d_h + d_r) ** 0.5  # (n_h, T, T)
    s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    return torch.einsum("hts,shd->thd", s.softmax(-1), v).reshape(T, n_h * d_h)


def decode_with_latent_cache(x, W, n_h, d_h, d_r):
    """Token by token, caching only c_KV (d_c) and the shared RoPE key (d_R). Returns outputs and the cache."""
    T, d_c = x.shape[0], W["dkv"].shape[1]
    w_uk = W["uk"].view(d_c, n_h, d_h)
    w_uv = W["uv"].view(d_c, n_h, d_h)
    cache_c, cache_kr, outs = [], [], []
    for t in range(T):
        xt, pos = x[t:t + 1], torch.tensor([t])
        cache_c.append(xt @ W["dkv"])  # (1, d_c)
        cache_kr.append(rope(xt @ W["kr"], pos))  # (1, d_R)
        c, kr = torch.cat(cache_c), torch.cat(cache_kr)  # (t+1, d_c), (t+1, d_R)
        q_c = (xt @ W["q"]).view(n_h, d_h)
        q_r = rope((xt @ W["qr"]).view(1, n_h, d_r), pos)[0]  # (n_h, d_R)
        q_latent = torch.einsum("hd,chd->hc", q_c, w_uk)  # W_UK absorbed: (n_h, d_c)
        s = (q_latent @ c.T + q_r @ kr.T) / (d_h + d_r) ** 0.5  # (n_h, t+1)
        mixed = s.softmax(-1) @ c  # (n_h, d_c): weighted sum of latents
        outs.append(torch.einsum("hc,chd->hd", mixed, w_uv).reshape(1, n_h * d_h))  # W_UV applied after
    return torch.cat(outs), (torch.cat(cache_c), torch.cat(cache_kr))


def run(seed: int = 0, decode=decode_with_latent_cache) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d, n_h, d_h, d_c, d_r = 9, 32, 4, 8, 12, 4
    W = make_weights(g, d, n_h, d_h, d_c, d_r)
    x = torch.randn(T, d, generator=g, dtype=torch.float64)
    out, cache = decode(x, W, n_h, d_h, d_r)
    ref = full_attention(x, W, n_h, d_h, d_r)
    bytes_per_token = sum(c.numel() * c.element_size() for c in cache) / T  # float64: 8 bytes a value
    return [
        check("max_abs_diff_latent_cache_vs_full", 0.0, (out - ref).abs().max(), abs_tol=1e-12),
        check("cache_bytes_per_token_vs_formula", mla_kv_bytes_per_token(1, d_c, d_r, 8), bytes_per_token,
              abs_tol=0),
        check("cache_smaller_than_mha_by", 2 * n_h * d_h / (d_c + d_r),
              kv_bytes_per_token(1, n_h, d_h, 8) / bytes_per_token, rel_tol=1e-12),
        # DeepSeek-V2 by hand: 512 + 64 = 576 values per token per layer; MHA 2 * 128 * 128 = 32,768
        check("deepseek_v2_values_per_token_layer", 576, mla_kv_bytes_per_token(1, 512, 64, 1), abs_tol=0),
        check("deepseek_v2_mha_over_mla", 32768 / 576, kv_bytes_per_token(1, 128, 128, 1) / 576, rel_tol=1e-12),
        check("deepseek_v2_equivalent_gqa_groups", 2.25, mla_kv_bytes_per_token(1, 512, 64, 1) / (2 * 128),
              rel_tol=1e-12),
        # the per-token MHA/GQA formula against the project's whole-cache formula at one token (GQA, 8 KV heads)
        check("kv_bytes_per_token_vs_kv_cache_bytes", kv_cache_bytes(60, 8, 128, 1, 1, 2),
              kv_bytes_per_token(60, 8, 128, 2), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
