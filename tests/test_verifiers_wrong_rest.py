"""Wrong implementations for the verifiers the per-family files do not cover: each must fail."""

import torch

from quiz import verify


def failed(checks) -> set[str]:
    return {c.name for c in checks if not c.passed}


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


def test_cost_verifier_catches_a_cache_that_recomputes_everything(monkeypatch):
    mod = verify.load("attention_cost_cache")
    monkeypatch.setattr(mod, "generate_with_cache", mod.generate_no_cache)
    assert any(name.startswith("qk_products_with_cache") for name in failed(mod.run(seed=0)))


def test_cost_verifier_catches_the_wrong_formula(monkeypatch):
    mod = verify.load("attention_cost_cache")
    monkeypatch.setattr(mod, "attention_flops_with_cache", lambda T: T * T)  # "it is still quadratic"
    assert any(name.startswith("qk_products_with_cache") for name in failed(mod.run(seed=0)))
    monkeypatch.undo()
    assert failed(mod.run(seed=0)) == set()


def test_yoco_verifier_catches_a_ratio_of_one_over_half_the_layers(monkeypatch):
    """A plausible mistake: only the L/2 cross-decoder layers share the cache, so 'the ratio is 2/L'."""
    mod = verify.load("yoco_memory")
    monkeypatch.setattr(mod, "yoco_cache_ratio", lambda n_layers: 2 / n_layers)
    assert "cache_growth_per_token_vs_standard" in failed(mod.run(seed=0))
    monkeypatch.undo()
    assert failed(mod.run(seed=0)) == set()


def test_quantization_verifier_catches_the_wrong_int8_range():
    """Scaling by max|x|/100 keeps every error bound relative to s, so only the range checks catch it."""
    mod = verify.load("quantization_error")

    def absmax_100(x):
        scale = x.abs().max() / 100
        return torch.round(x / scale).clamp(-127, 127).to(torch.int8), scale

    assert {"scale_is_absmax_over_127", "largest_code_is_127"} <= failed(mod.run(seed=0, quantize=absmax_100))
    assert failed(mod.run(seed=0)) == set()
