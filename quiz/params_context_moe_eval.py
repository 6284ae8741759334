"""Answers for the long-context, mixture-of-experts, evaluation and stability questions (syllabus 2026).

Each function is registered for `compute:` and is called by a verifier that checks it against an
independent computation (a torch model, a simulation or a closed form written differently).
"""

from __future__ import annotations

import math

from .params import register

# --- long context -------------------------------------------------------------------------


@register
def pi_position(position: float, train_len: int, target_len: int) -> float:
    """Position interpolation (Chen et al. 2023): position m is fed to RoPE as m * L / L'."""
    return position * train_len / target_len


@register
def ntk_base(base: float, scale: float, head_dim: int) -> float:
    """NTK-aware scaling: b' = b * s^(d / (d - 2)), so the lowest frequency is slowed by exactly s."""
    return base * scale ** (head_dim / (head_dim - 2))


@register
def rope_wavelength(base: float, head_dim: int, pair: int) -> float:
    """Pair i (0-based) turns at theta_i = base^(-2i/d): one full turn every 2*pi*base^(2i/d) positions."""
    return 2 * math.pi * base ** (2 * pair / head_dim)


@register
def yarn_mscale(scale: float) -> float:
    """YaRN (Peng et al. 2023, eq. 22): sqrt(1/t) = 0.1 ln(s) + 1, applied to both q and k."""
    return 0.1 * math.log(scale) + 1


@register
def yarn_logit_factor(scale: float) -> float:
    """The logits are multiplied by 1/t = (0.1 ln s + 1)^2 because q and k each carry sqrt(1/t)."""
    return yarn_mscale(scale) ** 2


# --- mixture of experts -------------------------------------------------------------------


@register
def switch_aux_loss_collapsed(n_experts: int) -> float:
    """Switch load-balancing loss N * sum_i f_i P_i when every token goes to one expert with p = 1: N."""
    return n_experts * 1.0 * 1.0


@register
def expert_capacity(tokens: int, n_experts: int, capacity_factor: float, top_k: int = 1) -> float:
    """Slots per expert: capacity_factor * top_k * tokens / n_experts (Switch eq. 3 with k = 1, GShard k = 2)."""
    return capacity_factor * top_k * tokens / n_experts


# --- evaluation ---------------------------------------------------------------------------


@register
def pass_at_k(n: int, c: int, k: int) -> float:
    """Chen et al. 2021: unbiased pass@k = 1 - C(n - c, k) / C(n, k) from n samples of which c pass."""
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


@register
def perplexity(ce_nats: float) -> float:
    """Perplexity is exp of the mean per-token cross-entropy in nats."""
    return math.exp(ce_nats)


@register
def bits_per_byte(ce_nats: float, tokens: int, n_bytes: int) -> float:
    """Total nats over the text, converted to bits (/ ln 2), divided by its UTF-8 bytes."""
    return ce_nats * tokens / (n_bytes * math.log(2))


# --- stability ----------------------------------------------------------------------------


@register
def softcap(x: float, cap: float) -> float:
    """Gemma 2 style soft-capping: cap * tanh(x / cap), bounded in (-cap, cap)."""
    return cap * math.tanh(x / cap)


@register
def clip_coef(total_norm: float, max_norm: float) -> float:
    """Clipping by global norm multiplies every gradient by min(1, max_norm / total_norm)."""
    return min(1.0, max_norm / total_norm)


@register
def wsd_lr(peak_lr: float, warmup: int, stable: int, decay: int, step: int) -> float:
    """Warmup-stable-decay: linear warmup to the peak, flat, then a linear decay to 0."""
    if step < warmup:
        return peak_lr * step / warmup
    if step < warmup + stable:
        return peak_lr
    return peak_lr * max(0.0, 1 - (step - warmup - stable) / decay)


@register
def z_loss_value(log_z: float, coef: float = 1e-4) -> float:
    """PaLM's auxiliary z-loss: coef * (log Z)^2 per token."""
    return coef * log_z**2


@register
def adam_half_life(beta: float) -> float:
    """Steps after which an EMA with decay beta has forgotten half of a gradient: ln 0.5 / ln beta."""
    return math.log(0.5) / math.log(beta)
