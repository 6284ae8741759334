"""YOCO (You Only Cache Once, Sun et al. 2024) caches one global set of keys and values shared by all
cross-decoder layers, so its KV cache grows per token at 1/L the rate of a standard L-layer decoder's; the
self-decoder's sliding-window caches add only a constant.

The first L/2 layers (self-decoder) use sliding-window attention, whose cache never exceeds the window W.
Their output is projected once to a global K, V, which every one of the last L/2 layers (cross-decoder)
attends to with its own queries. A tiny YOCO decoded token by token matches its parallel forward pass, and
its cache tensors hold 2·H·d_h·(T + L·W/2) values versus 2·L·H·d_h·T for a standard decoder: a ratio of
1/L + W/(2T), which tends to 1/L. (End-to-end figures quoted in the posts, such as 6.4x less GPU memory at
512K tokens, measure a whole model's inference memory, not the KV cache alone, so they need not equal L.)
"""

import torch
import torch.nn.functional as F
from _kit import check, main

from quiz.params import kv_cache_bytes, yoco_cache_ratio

H, D_H = 2, 8  # heads and head size
D = H * D_H


def attend(q, k, v, allowed):
    """q (n, D), k/v (t, D), allowed (n, t) bool -> (n, D), multi-head."""
    n, t = q.shape[0], k.shape[0]
    q = q.view(n, H, D_H).transpose(0, 1)  # (H, n, D_H)
    k, v = k.view(t, H, D_H).transpose(0, 1), v.view(t, H, D_H).transpose(0, 1)  # (H, t, D_H)
    scores = (q @ k.transpose(-2, -1) / D_H**0.5).masked_fill(~allowed, float("-inf"))  # (H, n, t)
    return (scores.softmax(-1) @ v).transpose(0, 1).reshape(n, D)


def ln(x):
    return F.layer_norm(x, (D,))


def parallel(params, x, window):
    """The whole sequence at once (training-style). x (T, D)."""
    T = x.shape[0]
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    sliding, causal = (j <= i) & (j > i - window), j <= i
    for w_q, w_k, w_v, w_o in params["self"]:
        h = ln(x)
        x = x + attend(h @ w_q, h @ w_k, h @ w_v, sliding) @ w_o
    k_global, v_global = ln(x) @ params["w_k"], ln(x) @ params["w_v"]  # computed once, shared below
    for w_q, w_o in params["cross"]:
        x = x + attend(ln(x) @ w_q, k_global, v_global, causal) @ w_o
    return x


def decode(params, x, window):
    """One token at a time with caches. Returns outputs (T, D) and the cache size in bytes after each step."""
    empty = x[:0]  # (0, D)
    self_caches = [(empty, empty) for _ in params["self"]]  # sliding-window (k, v), at most W rows each
    k_global, v_global = empty, empty
    outs, sizes = [], []
    for t in range(x.shape[0]):
        xt = x[t : t + 1]  # (1, D)
        for layer, (w_q, w_k, w_v, w_o) in enumerate(params["self"]):
            h = ln(xt)
            k, v = self_caches[layer]
            k, v = torch.cat([k, h @ w_k])[-window:], torch.cat([v, h @ w_v])[-window:]  # keep the last W
            self_caches[layer] = (k, v)
            xt = xt + attend(h @ w_q, k, v, torch.ones(1, k.shape[0], dtype=torch.bool)) @ w_o
        k_global = torch.cat([k_global, ln(xt) @ params["w_k"]])  # the only cache that grows with t
        v_global = torch.cat([v_global, ln(xt) @ params["w_v"]])
        for w_q, w_o in params["cross"]:
            xt = xt + attend(ln(xt) @ w_q, k_global, v_global, torch.ones(1, t + 1, dtype=torch.bool)) @ w_o
        outs.append(xt)
        tensors = [k_global, v_global] + [c for kv in self_caches for c in kv]
        sizes.append(sum(c.numel() * c.element_size() for c in tensors))
    return torch.cat(outs), sizes


def run(seed: int = 0, decode=decode, cache_ratio=yoco_cache_ratio) -> list:
    """`decode`: the cached YOCO decoding loop under test; `cache_ratio`: quiz.params' formula (cards use it)."""
    g = torch.Generator().manual_seed(seed)
    L, W, T = 4, 4, 48  # 2 self-decoder + 2 cross-decoder layers, window 4, 48 tokens

    def w():
        return torch.randn(D, D, generator=g, dtype=torch.float64) / D**0.5

    params = {
        "self": [(w(), w(), w(), w()) for _ in range(L // 2)],  # W_q, W_k, W_v, W_o per self-decoder layer
        "cross": [(w(), w()) for _ in range(L // 2)],  # only W_q, W_o: K and V are shared
        "w_k": w(),  # the one global K projection
        "w_v": w(),
    }
    x = torch.randn(T, D, generator=g, dtype=torch.float64)
    out, sizes = decode(params, x, W)
    full = parallel(params, x, W)

    def standard(t):  # a standard decoder: every layer caches K and V of every position (float64)
        return kv_cache_bytes(L, H, D_H, t, 1, 8)

    yoco_by_hand = 2 * H * D_H * (T + (L // 2) * W) * 8  # global K, V of T tokens + L/2 windows; float64
    growth = (sizes[T - 1] - sizes[T // 2 - 1]) / (standard(T) - standard(T // 2))  # both windows full
    return [
        check("max_abs_diff_decode_vs_parallel", 0.0, (out - full).abs().max(), abs_tol=1e-10),  # float64 rounding
        check(f"cache_bytes_T{T}", yoco_by_hand, sizes[-1], abs_tol=0),
        check("cache_growth_per_token_vs_standard", 1 / L, growth, rel_tol=1e-12, note="1/L, by hand"),
        check("params_ratio_vs_measured_growth", growth, cache_ratio(L), rel_tol=1e-12, note="quiz.params"),
        check(f"cache_bytes_ratio_T{T}", 1 / L + W / (2 * T), sizes[-1] / standard(T), rel_tol=1e-12,
              note="1/L + W/(2T): the windows' constant fades as T grows"),
    ]


if __name__ == "__main__":
    main(run)
