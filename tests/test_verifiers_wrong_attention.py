"""The attention, mask, rank and inference verifiers must catch wrong implementations.

Each test feeds a verifier a deliberately broken version of the thing it proves (scaling removed, mask
removed, the posts' formula, padding not masked, a cache that forgets old keys, ...) and asserts that at
least one check fails; the correct defaults pass for seeds 0, 1 and 2 (test_verifiers.py).
"""

import math

import pytest
import torch
from helpers import failed

from quiz import verify

OURS = """
softmax_saturation scaling_vs_length sdpa_equivalence wrong_attention_formula mha_params multihead_split
padding_mask lookahead_mask prefix_lm_mask architecture_masks causal_rank bidirectional_low_rank
kv_cache_equivalence kv_cache_memory attention_cost_cache yoco_memory gqa_cache
""".split()


# --- wrong implementations ------------------------------------------------------------------------------


def logits_unscaled(q, k):
    return q @ k.transpose(-2, -1)


def logits_divided_by_sqrt_len(q, k):  # "the scale compensates for sequence length"
    return q @ k.transpose(-2, -1) / math.sqrt(q.shape[-2])


def sdpa_attention_unscaled(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return scores.softmax(-1) @ v


def sdpa_attention_ignoring_mask(q, k, v, mask=None):
    return (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5).softmax(-1) @ v


def posts_formula(q, k, v):  # softmax(QKᵀ)/sqrt(d_k)·K
    return (q @ k.T).softmax(-1) / q.shape[-1] ** 0.5 @ k


def scale_after_softmax(q, k, v):  # K fixed to V, but the scale still outside the softmax
    return (q @ k.T).softmax(-1) / q.shape[-1] ** 0.5 @ v


class PerHeadFullProjections(torch.nn.Module):
    """A common misconception: every head gets its own d x d W_q, W_k, W_v."""

    def __init__(self, d, h, bias=True):
        super().__init__()
        self.qkv = torch.nn.ModuleList(torch.nn.Linear(d, 3 * d, bias=bias) for _ in range(h))
        self.out = torch.nn.Linear(h * d, d, bias=bias)


def heads_without_transpose(x, w_qkv, w_o, n_heads):
    """view (B, T, d) as (B, h, T, d/h) directly: mixes positions across heads."""
    B, T, d = x.shape
    q, k, v = (x @ w_qkv.T).split(d, dim=-1)
    q, k, v = (t.reshape(B, n_heads, T, d // n_heads) for t in (q, k, v))
    y = ((q @ k.transpose(-2, -1)) / (d // n_heads) ** 0.5).softmax(-1) @ v
    return y.reshape(B, T, d) @ w_o.T


def padding_not_masked(q, k, v, key_padding_mask=None):
    return (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5).softmax(-1) @ v


def causal_mask_removed(q, k, v, causal=True):
    return (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5).softmax(-1) @ v


def causal_mask_off_by_one(q, k, v, causal=True):
    """Lets position i also see i+1."""
    T = q.shape[-2]
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if causal:
        scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(diagonal=2), float("-inf"))
    return scores.softmax(-1) @ v


def prefix_mask_as_causal(T, P):
    return torch.ones(T, T, dtype=torch.bool).tril()


def prefix_mask_as_full(T, P):
    return torch.ones(T, T, dtype=torch.bool)


def masks_with_causal_encoder(T, P):
    masks = verify.load("architecture_masks").make_masks(T, P)
    return {**masks, "encoder": masks["causal_decoder"]}


def causal_weights_unmasked(q, k):
    return (q @ k.T / q.shape[-1] ** 0.5).softmax(-1)


def cache_dropping_old_keys(cache_k, cache_v, k_new, v_new, window=4):
    return torch.cat([cache_k, k_new], dim=1)[:, -window:], torch.cat([cache_v, v_new], dim=1)[:, -window:]


def kv_bytes_without_values(n_layers, n_kv_heads, head_dim, seq_len, batch=1, bytes_per_value=2):
    return n_layers * n_kv_heads * head_dim * seq_len * batch * bytes_per_value  # forgot the 2 (K and V)


def gqa_tiled_heads(q, k, v):
    """repeat instead of repeat_interleave: query head h reads KV head h % H_kv, not h // group."""
    group = q.shape[1] // k.shape[1]
    return verify.load("gqa_cache").gqa_attention(q, k.repeat(1, group, 1, 1), v.repeat(1, group, 1, 1))


WRONG = [
    ("softmax_saturation", {"scale_fn": logits_unscaled}),
    ("scaling_vs_length", {"scale_fn": logits_divided_by_sqrt_len}),
    ("sdpa_equivalence", {"attention": sdpa_attention_unscaled}),
    ("sdpa_equivalence", {"attention": sdpa_attention_ignoring_mask}),
    ("wrong_attention_formula", {"attention": posts_formula}),
    ("wrong_attention_formula", {"attention": scale_after_softmax}),
    ("mha_params", {"make_mha": PerHeadFullProjections}),
    ("multihead_split", {"attention": heads_without_transpose}),
    ("padding_mask", {"attention": padding_not_masked}),
    ("lookahead_mask", {"attention": causal_mask_removed}),
    ("lookahead_mask", {"attention": causal_mask_off_by_one}),
    ("prefix_lm_mask", {"make_mask": prefix_mask_as_causal}),
    ("prefix_lm_mask", {"make_mask": prefix_mask_as_full}),
    ("architecture_masks", {"make_masks": masks_with_causal_encoder}),
    ("causal_rank", {"attention_weights": causal_weights_unmasked}),
    ("kv_cache_equivalence", {"append": cache_dropping_old_keys}),
    ("kv_cache_memory", {"cache_bytes": kv_bytes_without_values}),
    ("gqa_cache", {"attention": gqa_tiled_heads}),
]


@pytest.mark.parametrize("name, wrong", WRONG, ids=[f"{n}-{list(w.values())[0].__name__}" for n, w in WRONG])
def test_wrong_implementation_fails(name, wrong):
    checks = verify.load(name).run(seed=0, **wrong)
    assert failed(checks), f"{name} accepted a wrong implementation"


def test_specific_failures_are_the_expected_ones():
    """Not just 'something failed': the check that names the error fails."""
    assert "weight_row_sum" in failed(verify.load("wrong_attention_formula").run(attention=posts_formula))
    assert "past_output_change_when_future_changes" in failed(
        verify.load("lookahead_mask").run(attention=causal_mask_removed)
    )
    assert "max_weight_on_padding" in failed(verify.load("padding_mask").run(attention=padding_not_masked))
    assert "max_abs_diff_cached_vs_full" in failed(
        verify.load("kv_cache_equivalence").run(append=cache_dropping_old_keys)
    )
    assert "entropy_scaled" in failed(verify.load("softmax_saturation").run(scale_fn=logits_unscaled))
