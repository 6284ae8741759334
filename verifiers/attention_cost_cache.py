"""Generating T tokens without a KV cache recomputes attention over the whole prefix at every step, about Σ
t² = T(T+1)(2T+1)/6 query-key products; with a cache each step has one new query against t keys, Σ t =
T(T+1)/2. The ratio (2T+1)/3 grows linearly with T; the work counted while decoding matches these sums
exactly.

Without a cache step t also re-projects all t tokens to q, k, v (Σ t projections instead of T). Counted for
one attention layer of width d: no cache 6d²·Σt + 4d·Σt², with cache 6d²·T + 4d·Σt (2 FLOPs per
multiply-add; QKᵀ and AV cost the same). Both paths give the same outputs.
"""

import torch
from _kit import check, main
from torch.overrides import TorchFunctionMode

from quiz.params import attention_flops_no_cache, attention_flops_with_cache


class CountWork(TorchFunctionMode):
    """Counts, for the torch calls that actually run: matmul FLOPs, 2·(output elements)·(inner dimension),
    and attention scores, the elements that go through softmax (each score is one query-key product)."""

    def __init__(self):
        super().__init__()
        self.flops = 0
        self.scores = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = getattr(func, "__name__", "")
        if name in ("matmul", "__matmul__", "bmm", "mm"):
            self.flops += 2 * out.numel() * args[0].shape[-1]
        elif name == "softmax":
            self.scores += args[0].numel()
        return out


def attend(q, k, v):
    """(n, d), (t, d), (t, d) -> (n, d); causal among the last n of the t positions."""
    n, t = q.shape[0], k.shape[0]
    scores = q @ k.T / q.shape[-1] ** 0.5  # (n, t): n·t query-key products
    future = torch.arange(t)[None, :] > (t - n + torch.arange(n))[:, None]
    return scores.masked_fill(future, float("-inf")).softmax(-1) @ v


def generate_no_cache(x, w_q, w_k, w_v):
    """Step t recomputes q, k, v for all t tokens and keeps only the last output row."""
    return torch.cat([attend(x[:t] @ w_q, x[:t] @ w_k, x[:t] @ w_v)[-1:] for t in range(1, len(x) + 1)])


def generate_with_cache(x, w_q, w_k, w_v):
    """Step t projects only token t; its k, v join the cache."""
    ks, vs, outs = [], [], []
    for t in range(len(x)):
        xt = x[t : t + 1]  # (1, d)
        ks.append(xt @ w_k)
        vs.append(xt @ w_v)
        outs.append(attend(xt @ w_q, torch.cat(ks), torch.cat(vs)))
    return torch.cat(outs)


def count(T: int, g: torch.Generator, d: int = 8):
    """Work done and outputs of both ways of generating T tokens through one attention layer."""
    x = torch.randn(T, d, generator=g, dtype=torch.float64)
    w_q, w_k, w_v = (torch.randn(d, d, generator=g, dtype=torch.float64) for _ in range(3))
    with CountWork() as no_cache:
        out_no_cache = generate_no_cache(x, w_q, w_k, w_v)
    with CountWork() as cached:
        out_cached = generate_with_cache(x, w_q, w_k, w_v)
    return no_cache, cached, (out_no_cache - out_cached).abs().max()


def run(seed: int = 0) -> list:
    g = torch.Generator().manual_seed(seed)
    d, T = 8, 64
    no_cache, cached, diff = count(T, g, d)
    no_cache_16, cached_16, _ = count(16, g, d)
    sum_t = T * (T + 1) // 2
    return [
        check(f"qk_products_no_cache_T{T}", attention_flops_no_cache(T), no_cache.scores, abs_tol=0),
        check(f"qk_products_with_cache_T{T}", attention_flops_with_cache(T), cached.scores, abs_tol=0),
        check(f"matmul_flops_no_cache_T{T}", 6 * d * d * sum_t + 4 * d * attention_flops_no_cache(T),
              no_cache.flops, abs_tol=0),
        check(f"matmul_flops_with_cache_T{T}", 6 * d * d * T + 4 * d * attention_flops_with_cache(T),
              cached.flops, abs_tol=0),
        # The attention part alone: Σt² / Σt = (2T+1)/3, by hand; it grows linearly with T.
        check("qk_products_ratio_T16", 11, no_cache_16.scores / cached_16.scores, rel_tol=1e-12),
        check(f"qk_products_ratio_T{T}", (2 * T + 1) / 3, no_cache.scores / cached.scores, rel_tol=1e-12),
        check(f"max_abs_diff_outputs_T{T}", 0.0, diff, abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
