"""Verifiers that measure: the fixes of issue #9 item 4, each pinned by a wrong implementation that must fail."""

import math

import pytest
import torch
import torch.nn.functional as F
from helpers import failed

from quiz import verify

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def test_bounds_record_their_slack():
    kit = verify.kit(verify.VERIFIERS_DIR)
    assert kit.check_at_most("a", 0.25, 0.17).tolerance == pytest.approx(0.08)
    assert kit.check_at_least("b", 4.0, 5.5).tolerance == pytest.approx(1.5)
    failed_bound = kit.check_at_most("c", 1.0, 2.0)
    assert not failed_bound.passed and failed_bound.tolerance == 0.0
    assert not kit.check_at_least("d", 1.0, float("nan")).passed


def test_pre_ln_gradient_law_tells_one_over_sqrt_l_from_one_over_l():
    mod = verify.load("pre_post_ln_gradients")

    def stream_grows_linearly(x, sublayer):  # the branch input re-added each time: rms grows like L
        return x + sublayer(mod.ln(x)) + mod.ln(x)

    [exponent] = [c for c in mod.run(seed=0) if c.name == "pre_last_layer_grad_exponent"]
    assert exponent.passed and 0.3 <= exponent.measured <= 0.7
    [wrong] = [c for c in mod.run(seed=0, pre_ln=stream_grows_linearly) if c.name == "pre_last_layer_grad_exponent"]
    assert not wrong.passed and wrong.measured > 0.85  # ~1/L: would have passed the old 0.05-0.45 window


def test_tokens_per_word_checks_the_conversion_not_a_constant():
    mod = verify.load("tokens_per_word")
    assert failed(mod.run(convert=lambda n_words, tokens_per_word: n_words / tokens_per_word)) == {
        "tokens_for_words_exact", "tokens_for_1500_words_at_1_5"}  # fmt: skip
    assert failed(mod.run(convert=lambda n_words, tokens_per_word: round(n_words * tokens_per_word))) == {
        "tokens_for_words_exact"}  # fmt: skip
    assert "0.75" not in verify.claim("tokens_per_word")  # the rule of thumb is cited by the cards, not proved here


def test_kv_cache_is_measured_from_a_decode_loop():
    mod = verify.load("kv_cache_memory")
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, mod.VOCAB, (2, 6), generator=g)
    p = mod.init(g)
    logits, cache = mod.decode(p, tokens)
    assert len(cache) == mod.N_LAYERS
    assert all(k.shape == (2, mod.N_KV_HEADS, 6, mod.D_MODEL // mod.N_HEADS) for k, _ in cache)
    assert (logits - mod.forward(p, tokens)).abs().max() < 1e-10

    def always_fp16(n_layers, n_kv_heads, head_dim, seq_len, batch=1, bytes_per_value=2):
        return 2 * n_layers * n_kv_heads * head_dim * seq_len * batch * 2

    def query_heads(n_layers, n_kv_heads, head_dim, seq_len, batch=1, bytes_per_value=2):  # ignores GQA
        return 2 * n_layers * mod.N_HEADS * head_dim * seq_len * batch * bytes_per_value

    assert failed(mod.run(cache_bytes=always_fp16)) == {"formula_vs_decode_cache_float64", "formula_vs_decode_cache_float32"}
    assert {"formula_vs_decode_cache_float16", "formula_vs_decode_cache_float32"} <= failed(mod.run(cache_bytes=query_heads))
    assert failed(mod.run(seed=1)) == set()


def test_gqa_cache_bytes_come_from_the_decoder():
    mod = verify.load("gqa_cache")
    checks = {c.name: c for c in mod.run(seed=0)}
    assert checks["cache_shrink_gqa"].measured == 2 and checks["cache_shrink_mqa"].measured == 4


def test_equivalent_implementations_cost_the_same_flops():
    count = verify.load("multihead_split").count_flops
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, 8, generator=g, dtype=torch.float64)
    w = torch.randn(16, 8, generator=g, dtype=torch.float64)
    flops = {count(fn, x, w) for fn in (lambda x, w: F.linear(x, w), lambda x, w: x @ w.T,
                                        lambda x, w: torch.einsum("btd,od->bto", x, w),
                                        lambda x, w: torch.matmul(x, w.transpose(0, 1)))}  # fmt: skip
    assert flops == {2 * 3 * 5 * 8 * 16}
    q = torch.randn(2, 4, 6, 8, generator=g, dtype=torch.float64)
    by_matmul = count(lambda q: (q @ q.transpose(-1, -2)).softmax(-1) @ q, q)
    by_einsum = count(lambda q: torch.einsum("bhts,bhsd->bhtd", torch.einsum("bhtd,bhsd->bhts", q, q).softmax(-1), q), q)
    assert by_matmul == by_einsum == 2 * (2 * 2 * 4 * 6 * 6 * 8)


def test_multihead_split_counts_a_linear_based_implementation():
    mod = verify.load("multihead_split")

    def with_f_linear(x, w_qkv, w_o, n_heads):  # the same layer, both projections through F.linear
        B, T, d = x.shape
        q, k, v = (t.view(B, T, n_heads, d // n_heads).transpose(1, 2) for t in F.linear(x, w_qkv).split(d, -1))
        weights = (q @ k.transpose(-2, -1) / (d // n_heads) ** 0.5).softmax(-1)
        return F.linear((weights @ v).transpose(1, 2).reshape(B, T, d), w_o)

    assert failed(mod.run(seed=0, attention=with_f_linear)) == set()  # the old name-matching counter saw 0 FLOPs


def test_deepnorm_claims_no_more_than_it_checks():
    claim = verify.claim("deepnorm")
    assert "faster than N" not in claim and "at least as fast as N" in claim
    assert math.isclose([c for c in verify.load("deepnorm").run() if c.name == "postln_update_growth"][0].expected, 4)
