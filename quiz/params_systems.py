"""Parametric answers for the parallelism, precision, quantization and serving banks.

Each function here is called by a verifier that checks it against an independent computation
(real sharded tensors, a simulated schedule, torch.finfo, packed int4 storage, a Monte Carlo
simulation or torch's FLOP counter), so a wrong formula fails `quiz verify`.
"""

from __future__ import annotations

from .params import register

# --- parallelism ------------------------------------------------------------------


@register
def zero_bytes_per_gpu(n_params: float, n_gpus: int, stage: int, k_optimizer: int = 12) -> float:
    """Model states per GPU under mixed-precision Adam (Rajbhandari et al. 2020, Fig. 1): fp16 parameters
    (2 bytes), fp16 gradients (2 bytes) and K = 12 bytes of fp32 optimizer state (master weights, m, v)
    per parameter. Stage 1 shards the optimizer state, stage 2 also the gradients, stage 3 also the
    parameters; stage 0 is plain data parallelism."""
    p, g, k = 2 * n_params, 2 * n_params, k_optimizer * n_params
    if stage >= 1:
        k /= n_gpus
    if stage >= 2:
        g /= n_gpus
    if stage >= 3:
        p /= n_gpus
    return p + g + k


@register
def zero_gb_per_gpu(n_params_b: float, n_gpus: int, stage: int) -> float:
    """The same in GB (10^9 bytes) for a model of n_params_b billion parameters."""
    return zero_bytes_per_gpu(n_params_b * 1e9, n_gpus, stage) / 1e9


@register
def pipeline_bubble_fraction(n_stages: int, n_microbatches: int) -> float:
    """GPipe-style schedule: the fraction of each stage's time spent idle, (p - 1) / (m + p - 1)."""
    return (n_stages - 1) / (n_microbatches + n_stages - 1)


@register
def pipeline_bubble_percent(n_stages: int, n_microbatches: int) -> float:
    return 100 * pipeline_bubble_fraction(n_stages, n_microbatches)


@register
def ring_allreduce_bytes_per_gpu(size_gb: float, n_gpus: int) -> float:
    """Ring all-reduce (reduce-scatter then all-gather): each GPU sends 2 (N - 1) / N times the buffer."""
    return 2 * (n_gpus - 1) / n_gpus * size_gb


# --- precision ------------------------------------------------------------------------


@register
def float_max(exp_bits: int, man_bits: int, ieee: int = 1) -> float:
    """Largest finite value of a binary float with a sign bit. IEEE-style formats reserve the all-ones
    exponent for inf/NaN; the OCP/NVIDIA E4M3 ("fn") format reserves only the all-ones exponent with an
    all-ones mantissa for NaN, so its top exponent is usable with mantissas up to 1.110b."""
    bias = 2 ** (exp_bits - 1) - 1
    if ieee:
        return (2 - 2.0**-man_bits) * 2.0 ** (2**exp_bits - 2 - bias)
    return (2 - 2.0 ** (1 - man_bits)) * 2.0 ** (2**exp_bits - 1 - bias)


@register
def float_eps(man_bits: int) -> float:
    """Machine epsilon: the gap between 1 and the next representable number, 2^-mantissa_bits."""
    return 2.0**-man_bits


@register
def float_min_normal(exp_bits: int) -> float:
    """Smallest positive normal number: 2^(1 - bias)."""
    return 2.0 ** (2 - 2 ** (exp_bits - 1))


@register
def float_min_subnormal(exp_bits: int, man_bits: int) -> float:
    """Smallest positive subnormal: the smallest normal times 2^-mantissa_bits."""
    return float_min_normal(exp_bits) * 2.0**-man_bits


# --- quantization ------------------------------------------------------------------


@register
def quantized_bits_per_weight(bits: int, group_size: int, scale_bits: int = 16, zero_bits: int = 0) -> float:
    """Average storage per weight with one scale (and optionally one zero point) per group."""
    return bits + (scale_bits + zero_bits) / group_size


@register
def quantized_weight_gb(n_params_b: float, bits: int, group_size: int, scale_bits: int = 16,
                        zero_bits: int = 0) -> float:  # fmt: skip
    """Weight memory in GB (10^9 bytes) of n_params_b billion weights quantized to `bits` in groups."""
    return n_params_b * 1e9 * quantized_bits_per_weight(bits, group_size, scale_bits, zero_bits) / 8 / 1e9


# --- serving ----------------------------------------------------------------------------


@register
def spec_expected_tokens(alpha: float, k: int) -> float:
    """Leviathan et al. 2023, Eq. 1: tokens produced per target pass with k drafted tokens, each accepted
    independently with probability alpha: (1 - alpha^(k+1)) / (1 - alpha); k + 1 when alpha = 1."""
    if alpha >= 1:
        return k + 1.0
    return (1 - alpha ** (k + 1)) / (1 - alpha)


@register
def decode_tokens_per_s(n_params_b: float, bytes_per_param: float, bandwidth_tb_s: float) -> float:
    """Memory-bound roofline for batch-1 decoding: every step reads every weight once, so
    tokens/s <= bandwidth / weight bytes (KV-cache reads and overheads ignored)."""
    return bandwidth_tb_s * 1e12 / (n_params_b * 1e9 * bytes_per_param)


@register
def decode_intensity(batch: int, bytes_per_param: float = 2) -> float:
    """FLOPs per byte of weights read in one decode step: 2 FLOPs per weight per sequence."""
    return 2 * batch / bytes_per_param


@register
def ridge_batch(peak_tflops: float, bandwidth_tb_s: float, bytes_per_param: float = 2) -> float:
    """Batch size at which a decode step's intensity (2B / bytes FLOP per byte) meets the roofline's
    ridge point peak / bandwidth: below it decoding is memory-bound."""
    return peak_tflops / bandwidth_tb_s * bytes_per_param / 2


@register
def prefill_seconds(n_params_b: float, n_tokens: int, peak_tflops: float, mfu: float) -> float:
    """Compute-bound prefill: about 2 N FLOPs per token (attention FLOPs ignored)."""
    return 2 * n_params_b * 1e9 * n_tokens / (peak_tflops * 1e12 * mfu)


@register
def spec_speedup(alpha: float, k: int, c: float) -> float:
    """Leviathan et al. 2023, Theorem 3.8: expected walltime improvement when a draft pass costs c target
    passes: tokens per iteration (1 - alpha^(k+1)) / (1 - alpha) over the iteration's cost k c + 1."""
    return spec_expected_tokens(alpha, k) / (k * c + 1)
