"""Answers for the parametric questions of the efficient_attention, finetuning, alignment and scaling_laws
banks. Each function is checked by a verifier against an independent computation (named per function)."""

from __future__ import annotations

import math

from .params import register

# --- efficient attention -------------------------------------------------------------------------------


@register
def swa_receptive_field(window: int, n_layers: int) -> float:
    """Sliding-window attention where each query sees the `window` most recent positions (itself included):
    one layer reaches back window - 1 positions, so n_layers reach n_layers * (window - 1) + 1 positions.
    Checked by verifiers/sliding_window_reach.py against reachability through stacked masks."""
    return n_layers * (window - 1) + 1


@register
def paged_blocks(seq_len: int, block_size: int) -> float:
    """Physical KV blocks a sequence of seq_len tokens occupies: ceil(seq_len / block_size).
    Checked by verifiers/paged_attention.py against the blocks a paged cache really allocates."""
    return -(-seq_len // block_size)


@register
def mla_kv_bytes_per_token(n_layers: int, d_latent: int, d_rope: int, bytes_per_value: int = 2) -> float:
    """Multi-head latent attention caches one latent c_KV (d_latent) and one shared RoPE key (d_rope) per
    token per layer, for all heads together. Checked by verifiers/mla_kv_cache.py against the cached tensors."""
    return n_layers * (d_latent + d_rope) * bytes_per_value


@register
def kv_bytes_per_token(n_layers: int, n_kv_heads: int, head_dim: int, bytes_per_value: int = 2) -> float:
    """MHA (n_kv_heads = n_heads), GQA or MQA: K and V for every KV head in every layer.
    Checked by verifiers/mla_kv_cache.py against the cache of a real decoding loop."""
    return 2 * n_layers * n_kv_heads * head_dim * bytes_per_value


# --- fine-tuning ---------------------------------------------------------------------------------------


@register
def lora_params(d_in: int, d_out: int, rank: int) -> float:
    """LoRA adds A (rank x d_in) and B (d_out x rank) to one d_out x d_in weight: rank * (d_in + d_out).
    Checked by verifiers/lora_merge.py against the numel of the real adapter tensors."""
    return rank * (d_in + d_out)


@register
def lora_fraction_percent(d_in: int, d_out: int, rank: int) -> float:
    """Trainable LoRA parameters as a percentage of the frozen d_out x d_in weight.
    Checked by verifiers/lora_merge.py."""
    return 100 * rank * (d_in + d_out) / (d_in * d_out)


@register
def full_finetune_gb(n_params_b: float) -> float:
    """Mixed-precision Adam: fp16 weights (2) + fp16 grads (2) + fp32 master weights, m and v (12) = 16 bytes
    per parameter, activations excluded; n_params_b in billions, result in GB (10^9 bytes).
    Checked by verifiers/finetune_memory.py against the bytes of real tensors and torch Adam state."""
    return 16 * n_params_b


@register
def nf4_storage_bits(block: int = 64, block2: int = 256, double_quant: int = 1) -> float:
    """Bits per weight of QLoRA's 4-bit storage: 4 for the code plus the block constants. Without double
    quantization each block of `block` weights has an fp32 absmax (32/block bits); with it the absmax is
    8-bit and every `block2` absmaxes share one fp32 constant (8/block + 32/(block*block2)).
    Checked by verifiers/qlora_double_quant.py against the bytes of really quantized tensors."""
    if double_quant:
        return 4 + 8 / block + 32 / (block * block2)
    return 4 + 32 / block


# --- alignment -----------------------------------------------------------------------------------------


@register
def bradley_terry_prob(r_a: float, r_b: float) -> float:
    """P(a preferred to b) = sigmoid(r_a - r_b). Checked by verifiers/bradley_terry.py."""
    return 1 / (1 + math.exp(-(r_a - r_b)))


@register
def dpo_loss_value(beta: float, margin: float) -> float:
    """DPO loss of one pair whose log-ratio margin is
    margin = (log pi(y_w) - log ref(y_w)) - (log pi(y_l) - log ref(y_l)): -log sigmoid(beta * margin).
    Checked by verifiers/dpo_loss.py against a torch loss."""
    return math.log1p(math.exp(-beta * margin))


@register
def grpo_advantage_correct(group: int, n_correct: int) -> float:
    """GRPO with 0/1 rewards, n_correct of `group` answers right: the advantage of a right answer,
    (1 - p) / std with p = n_correct / group and the population std sqrt(p (1 - p)).
    Checked by verifiers/grpo_advantages.py against torch."""
    p = n_correct / group
    return (1 - p) / math.sqrt(p * (1 - p))


# --- scaling laws --------------------------------------------------------------------------------------


@register
def chinchilla_params_b(compute: float, tokens_per_param: float = 20) -> float:
    """Compute-optimal parameters (billions) for `compute` FLOPs with C = 6 N D and D = tokens_per_param * N:
    N = sqrt(C / (6 * tokens_per_param)). Checked by verifiers/chinchilla_sizing.py by bisection."""
    return math.sqrt(compute / (6 * tokens_per_param)) / 1e9


@register
def chinchilla_tokens_b(compute: float, tokens_per_param: float = 20) -> float:
    """Compute-optimal training tokens (billions): D = tokens_per_param * N.
    Checked by verifiers/chinchilla_sizing.py."""
    return tokens_per_param * math.sqrt(compute / (6 * tokens_per_param)) / 1e9


@register
def train_compute_e21(n_params_b: float, tokens_b: float) -> float:
    """C = 6 N D in units of 10^21 FLOPs, N and D in billions. Checked by verifiers/chinchilla_sizing.py."""
    return 6 * n_params_b * 1e9 * tokens_b * 1e9 / 1e21


@register
def chinchilla_tokens_for_params_b(n_params_b: float, tokens_per_param: float = 20) -> float:
    """Compute-optimal training tokens (billions) for a model of n_params_b billion parameters: D = 20 N.
    Checked by verifiers/chinchilla_sizing.py against the tokens of the budget that makes that model optimal."""
    return tokens_per_param * n_params_b
