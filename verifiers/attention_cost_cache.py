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


class CountScores(TorchFunctionMode):
    """Counts attention scores: the elements that go through softmax (each score is one query-key product)."""

    def __init__(self):
        super().__init__()
        self.scores = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if getattr(func, "__name__", "") == "softmax":
            self.scores += args[0].numel()
        return out


class CountWork:
    """Scores (above) and FLOPs of every aten op that runs (torch.utils.flop_counter: matmul, mm, linear,
    einsum all counted, 2 per multiply-add), for the torch calls made inside the `with` block."""

    def __enter__(self):
        from torch.utils.flop_counter import FlopCounterMode

        self._flops, self._scores = FlopCounterMode(display=False), CountScores()
        self._flops.__enter__()
        self._scores.__enter__()
        return self

    def __exit__(self, *exc):
        self._scores.__exit__(*exc)
        self._flops.__exit__(*exc)
        self.flops, self.scores = self._flops.get_total_flops(), self._scores.scores
        return False


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


def count(T: int, g: torch.Generator, d: int = 8, cached_fn=generate_with_cache):
    """Work done and outputs of both ways of generating T tokens through one attention layer."""
    x = torch.randn(T, d, generator=g, dtype=torch.float64)
    w_q, w_k, w_v = (torch.randn(d, d, generator=g, dtype=torch.float64) for _ in range(3))
    with CountWork() as no_cache:
        out_no_cache = generate_no_cache(x, w_q, w_k, w_v)
    with CountWork() as cached:
        out_cached = cached_fn(x, w_q, w_k, w_v)
    return no_cache, cached, (out_no_cache - out_cached).abs().max()


def run(seed: int = 0, generate=generate_with_cache, flops_no_cache=attention_flops_no_cache,
        flops_with_cache=attention_flops_with_cache) -> list:  # fmt: skip
    """`generate`: the cached decoding loop under test; the two formulas: quiz.params' (cards grade with them)."""
    g = torch.Generator().manual_seed(seed)
    d, T = 8, 64
    no_cache, cached, diff = count(T, g, d, generate)
    no_cache_16, cached_16, _ = count(16, g, d, generate)
    sum_t = T * (T + 1) // 2
    return [
        # the formulas against the work counted while decoding (the counts are the independent side)
        check(f"qk_products_no_cache_T{T}", no_cache.scores, flops_no_cache(T), abs_tol=0),
        check(f"qk_products_with_cache_T{T}", cached.scores, flops_with_cache(T), abs_tol=0),
        # the counted FLOPs against the hand sums: Σt² = T(T+1)(2T+1)/6 and Σt
        check(f"matmul_flops_no_cache_T{T}", 6 * d * d * sum_t + 4 * d * T * (T + 1) * (2 * T + 1) // 6,
              no_cache.flops, abs_tol=0),
        check(f"matmul_flops_with_cache_T{T}", 6 * d * d * T + 4 * d * sum_t, cached.flops, abs_tol=0),
        # The attention part alone: Σt² / Σt = (2T+1)/3, by hand; it grows linearly with T.
        check("qk_products_ratio_T16", 11, no_cache_16.scores / cached_16.scores, rel_tol=1e-12),
        check(f"qk_products_ratio_T{T}", (2 * T + 1) / 3, no_cache.scores / cached.scores, rel_tol=1e-12),
        check(f"max_abs_diff_outputs_T{T}", 0.0, diff, abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
