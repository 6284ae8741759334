"""Answers for parametric questions: pure functions of the drawn parameters.

A question says `compute: kv_cache_bytes` and `params: {...}`; the quiz draws the
parameters, calls the registered function with them as keyword arguments and
grades against its result. Only functions registered here can run: nothing from
YAML is ever evaluated. Several verifiers check these formulas against torch
models, so a wrong formula here fails `quiz verify`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

COMPUTE: dict[str, Callable[..., float]] = {}


def register(fn: Callable[..., float]) -> Callable[..., float]:
    COMPUTE[fn.__name__] = fn
    return fn


# --- attention -------------------------------------------------------------


def qk_variance(d_k: int) -> float:
    """Var(q·k) for unit-variance, independent components: a sum of d_k unit variances."""
    return float(d_k)


def qk_std(d_k: int) -> float:
    """Standard deviation of q·k before scaling: sqrt(d_k)."""
    return math.sqrt(d_k)


def mha_params(d_model: int, bias: int = 1) -> float:
    """W_q, W_k, W_v, W_o are each d x d (+ d biases); the head count does not matter."""
    return 4 * d_model * d_model + (4 * d_model if bias else 0)


def head_dim(d_model: int, n_heads: int) -> float:
    return d_model / n_heads


def attention_score_entries(seq_len: int, n_heads: int, batch: int = 1) -> float:
    """Entries in the attention matrices of one layer: B * H * T * T."""
    return batch * n_heads * seq_len * seq_len


# --- masks -----------------------------------------------------------------


def causal_allowed_pairs(seq_len: int) -> float:
    """Query-key pairs a look-ahead mask keeps: the lower triangle including the diagonal."""
    return seq_len * (seq_len + 1) / 2


def prefix_allowed_pairs(seq_len: int, prefix_len: int) -> float:
    """Prefix block is fully visible; every later token sees the prefix and causally the rest."""
    p, t = prefix_len, seq_len
    return p * p + sum(p + (i - p + 1) for i in range(p, t))


# --- feed-forward and activations ------------------------------------------


def ffn_params(d_model: int, d_ff: int, bias: int = 1) -> float:
    """W1 (d x d_ff) and W2 (d_ff x d), plus b1 (d_ff) and b2 (d)."""
    return 2 * d_model * d_ff + ((d_ff + d_model) if bias else 0)


def swiglu_hidden(d_model: int, expansion: int = 4) -> float:
    """Hidden size that gives a 3-matrix SwiGLU the same parameters as a 2-matrix FFN: 2/3 * 4d."""
    return 2 * expansion * d_model / 3


# --- norms ------------------------------------------------------------------


def deepnorm_alpha(n_layers: int) -> float:
    """DeepNet (Wang et al. 2022), decoder-only: alpha = (2N)^(1/4)."""
    return (2 * n_layers) ** 0.25


def deepnorm_beta(n_layers: int) -> float:
    """DeepNet, decoder-only: beta = (8N)^(-1/4), the init gain of the FFN/value/output weights."""
    return (8 * n_layers) ** -0.25


def layernorm_params(d_model: int) -> float:
    """gamma and beta, one of each per feature."""
    return 2 * d_model


# --- BERT ---------------------------------------------------------------------


def mlm_selected(n_tokens: int) -> float:
    return 0.15 * n_tokens


def mlm_mask_token(n_tokens: int) -> float:
    """15% selected, 80% of those replaced by [MASK]: 12% of all tokens."""
    return 0.15 * 0.8 * n_tokens


def mlm_random_token(n_tokens: int) -> float:
    """15% selected, 10% of those replaced by a random token: 1.5% of all tokens."""
    return 0.15 * 0.1 * n_tokens


# --- training -----------------------------------------------------------------


def noam_lr(d_model: int, warmup: int, step: int) -> float:
    """Vaswani et al. 2017, eq. 3: d^-0.5 * min(step^-0.5, step * warmup^-1.5)."""
    return d_model**-0.5 * min(step**-0.5, step * warmup**-1.5)


def noam_peak_lr(d_model: int, warmup: int) -> float:
    """The Noam schedule peaks at step = warmup with d^-0.5 * warmup^-0.5."""
    return d_model**-0.5 * warmup**-0.5


def linear_warmup_lr(peak_lr: float, warmup: int, step: int) -> float:
    return peak_lr * min(1.0, step / warmup)


def linear_scaled_lr(base_lr: float, base_batch: int, batch: int) -> float:
    """Goyal et al. 2017: multiply the learning rate by k when the batch grows by k."""
    return base_lr * batch / base_batch


def uniform_cross_entropy(vocab: int) -> float:
    """Loss of a model that predicts uniformly over the vocabulary: ln V."""
    return math.log(vocab)


# --- positions ----------------------------------------------------------------


def alibi_slope(n_heads: int, head: int) -> float:
    """Press et al. 2022: head h (1-based) of n gets 2^(-8h/n) when n is a power of two."""
    return 2 ** (-8 * head / n_heads)


def sinusoid_wavelength(d_model: int, i: int) -> float:
    """Dimension pair i of the sinusoidal encoding has wavelength 2*pi*10000^(2i/d)."""
    return 2 * math.pi * 10000 ** (2 * i / d_model)


def learned_pe_params(max_len: int, d_model: int) -> float:
    return max_len * d_model


# --- sizes and compute ----------------------------------------------------------


def llama_params(vocab: int, d_model: int, n_layers: int, d_ff: int, tied: int = 0) -> float:
    """Llama-style decoder: embeddings, 4 d^2 attention, 3 d d_ff SwiGLU, two RMSNorms per layer,
    a final RMSNorm and an (untied) output head."""
    per_layer = 4 * d_model * d_model + 3 * d_model * d_ff + 2 * d_model
    head = 0 if tied else vocab * d_model
    return vocab * d_model + n_layers * per_layer + d_model + head


def train_flops(n_params: float, n_tokens: float) -> float:
    """Kaplan et al. 2020: about 6 N D (2 N forward + 4 N backward per token)."""
    return 6 * n_params * n_tokens


def moe_active_params(shared: float, expert: float, n_experts: int, top_k: int) -> float:
    """Per-token parameters of a mixture of experts: shared weights plus k of the experts."""
    del n_experts  # only the chosen k run; the total count is shared + n_experts * expert
    return shared + top_k * expert


def moe_total_params(shared: float, expert: float, n_experts: int, top_k: int = 2) -> float:
    del top_k
    return shared + n_experts * expert


def params_memory_gb(n_params: float, bytes_per_param: int) -> float:
    """Weights only, in GB (10^9 bytes)."""
    return n_params * bytes_per_param / 1e9


def tokens_for_words(n_words: int, tokens_per_word: float) -> float:
    return n_words * tokens_per_word


# --- inference ------------------------------------------------------------------


def kv_cache_bytes(
    n_layers: int, n_kv_heads: int, head_dim: int, seq_len: int, batch: int = 1, bytes_per_value: int = 2
) -> float:
    """K and V (the 2), per layer, per KV head, per position, per sequence."""
    return 2 * n_layers * n_kv_heads * head_dim * seq_len * batch * bytes_per_value


def yoco_cache_ratio(n_layers: int) -> float:
    """YOCO (Sun et al. 2024) keeps one global KV cache instead of one per layer: about 1/L of
    the memory (ignoring the constant-size caches of the self-decoder's efficient attention)."""
    return 1 / n_layers


def attention_flops_no_cache(seq_len: int) -> float:
    """Query-key products to generate T tokens when each step recomputes everything: sum t^2."""
    return sum(t * t for t in range(1, seq_len + 1))


def attention_flops_with_cache(seq_len: int) -> float:
    """With a KV cache step t only has one new query against t keys: sum t."""
    return seq_len * (seq_len + 1) / 2


# --- emergence -------------------------------------------------------------------


def chain_success(p_step: float, steps: int) -> float:
    """Probability that all of `steps` independent sub-steps succeed."""
    return p_step**steps


# Every function above is a formula, registered here by name rather than by decorating each one: mutation
# testing (mutmut, scripts/mutation.sh) does not mutate decorated functions. Modules added later may use @register.
for _fn in (
    qk_variance, qk_std, mha_params, head_dim, attention_score_entries, causal_allowed_pairs, prefix_allowed_pairs,
    ffn_params, swiglu_hidden, deepnorm_alpha, deepnorm_beta, layernorm_params, mlm_selected, mlm_mask_token,
    mlm_random_token, noam_lr, noam_peak_lr, linear_warmup_lr, linear_scaled_lr, uniform_cross_entropy, alibi_slope,
    sinusoid_wavelength, learned_pe_params, llama_params, train_flops, moe_active_params, moe_total_params,
    params_memory_gb, tokens_for_words, kv_cache_bytes, yoco_cache_ratio, attention_flops_no_cache,
    attention_flops_with_cache, chain_success,
):
    register(_fn)

# Formulas of the topics beyond the five posts, registered on import.
from . import (  # noqa: E402
    params_context_moe_eval,  # noqa: F401  long_context, moe, evaluation, stability
    params_systems,  # noqa: F401  parallelism, precision, quantization, serving
    params_tuning_scaling,  # noqa: F401  efficient_attention, finetuning, alignment, scaling_laws
)
