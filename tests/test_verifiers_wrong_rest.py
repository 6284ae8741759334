"""Wrong implementations for the verifiers the per-family files do not cover: each must fail."""

import torch
from helpers import failed

from quiz import verify

OURS = ["attention_scaling"]


def test_attention_scaling_catches_dividing_by_d_k_instead_of_its_root():
    mod = verify.load("attention_scaling")

    def by_d_k(q, k, scale):
        dots = (q * k).sum(-1)
        return dots / q.shape[-1] if scale else dots

    assert {"var_scaled_d64", "var_scaled_d256"} <= failed(mod.run(seed=0, scale_fn=by_d_k))
    assert failed(mod.run(seed=0)) == set()


def test_attention_scaling_catches_no_scaling():
    mod = verify.load("attention_scaling")
    unscaled = lambda q, k, scale: (q * k).sum(-1)  # noqa: E731
    assert "var_scaled_d64" in failed(mod.run(seed=1, scale_fn=unscaled))


def test_low_rank_verifier_catches_logits_that_are_not_q_k_transposed():
    mod = verify.load("bidirectional_low_rank")

    def full_rank_logits(q, k):  # (T, T) logits that do not factor through d_k
        g = torch.Generator().manual_seed(7)
        return torch.randn(q.shape[0], k.shape[0], generator=g, dtype=torch.float64)

    assert "rank_of_logits" in failed(mod.run(seed=0, scores=full_rank_logits))
    assert failed(mod.run(seed=0)) == set()


def test_cost_verifier_catches_a_cache_that_recomputes_everything():
    mod = verify.load("attention_cost_cache")
    bad = failed(mod.run(seed=0, generate=mod.generate_no_cache))
    assert {"qk_products_with_cache_T64", "matmul_flops_with_cache_T64", "qk_products_ratio_T64"} <= bad


def test_cost_verifier_catches_a_cache_that_drops_the_oldest_keys():
    mod = verify.load("attention_cost_cache")

    def window_of_32(x, w_q, w_k, w_v):  # a "cache" that silently keeps only the last 32 positions
        outs = []
        for t in range(len(x)):
            lo = max(0, t + 1 - 32)
            outs.append(mod.attend(x[t : t + 1] @ w_q, x[lo : t + 1] @ w_k, x[lo : t + 1] @ w_v))
        return torch.cat(outs)

    assert {"qk_products_with_cache_T64", "max_abs_diff_outputs_T64"} <= failed(mod.run(seed=0, generate=window_of_32))


def test_cost_verifier_catches_the_wrong_formula():
    mod = verify.load("attention_cost_cache")
    bad = failed(mod.run(seed=0, flops_with_cache=lambda T: T * T))  # "it is still quadratic"
    assert bad == {"qk_products_with_cache_T64"}
    bad = failed(mod.run(seed=0, flops_no_cache=lambda T: T**3 / 3))  # the leading term only
    assert bad == {"qk_products_no_cache_T64"}
    assert failed(mod.run(seed=0)) == set()


def test_yoco_verifier_catches_a_ratio_of_one_over_half_the_layers():
    """A plausible mistake: only the L/2 cross-decoder layers share the cache, so 'the ratio is 2/L'."""
    mod = verify.load("yoco_memory")
    assert failed(mod.run(seed=0, cache_ratio=lambda n_layers: 2 / n_layers)) == {"params_ratio_vs_measured_growth"}
    assert failed(mod.run(seed=0)) == set()


def test_yoco_verifier_catches_a_sliding_window_that_never_evicts():
    mod = verify.load("yoco_memory")

    def never_evicts(params, x, window):
        return mod.decode(params, x, window=10**9)  # the self-decoder's caches keep every position

    bad = failed(mod.run(seed=0, decode=never_evicts))
    assert {"cache_bytes_T48", "cache_growth_per_token_vs_standard", "cache_bytes_ratio_T48"} <= bad


def test_quantization_verifier_catches_the_wrong_int8_range():
    """Scaling by max|x|/100 keeps every error bound relative to s, so only the range checks catch it."""
    mod = verify.load("quantization_error")

    def absmax_100(x):
        scale = x.abs().max() / 100
        return torch.round(x / scale).clamp(-127, 127).to(torch.int8), scale

    assert {"scale_is_absmax_over_127", "largest_code_is_127"} <= failed(mod.run(seed=0, quantize=absmax_100))
    assert failed(mod.run(seed=0)) == set()
