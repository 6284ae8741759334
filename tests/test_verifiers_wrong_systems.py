"""Wrong implementations for the parallelism, precision, quantization and serving verifiers: each must fail
the specific check that catches it (the correct defaults pass for seeds 0, 1 and 2: test_verifiers.py)."""

import torch
import torch.nn.functional as F
from helpers import failed

from quiz import verify

OURS = ["zero_memory", "pipeline_bubble", "tensor_parallel_split", "grad_accumulation", "activation_checkpointing",
        "ring_allreduce", "float_formats", "fp16_overflow", "loss_scaling", "master_weights", "int4_group_quant",
        "zero_point_quant", "smoothquant_migration", "gptq_compensation", "spec_decoding_tokens",
        "spec_decoding_distribution", "roofline_decode", "kv_cache_budget"]  # fmt: skip


# --- parallelism ------------------------------------------------------------------------


def test_zero_memory_catches_stage_1_sharding_gradients_too():
    """Stage 1 shards only the optimizer states; sharding the gradients as well is stage 2."""
    mod = verify.load("zero_memory")

    def stage1_like_stage2(n_params, n_gpus, stage, k_optimizer=12):
        return mod.zero_bytes_per_gpu(n_params, n_gpus, max(stage, 2) if stage == 1 else stage, k_optimizer)

    assert failed(mod.run(bytes_per_gpu=stage1_like_stage2)) == {"stage1_bytes_per_rank",
                                                                 "zero_paper_7p5b_64gpus_stage1_gb"}


def test_zero_memory_catches_forgetting_the_fp32_master_weights():
    """'Adam keeps m and v': K = 8 instead of 12, so 12 bytes per parameter instead of 16."""
    mod = verify.load("zero_memory")
    k8 = lambda n_params, n_gpus, stage: mod.zero_bytes_per_gpu(n_params, n_gpus, stage, k_optimizer=8)  # noqa: E731
    assert {"stage0_bytes_per_rank", "stage3_bytes_per_rank", "zero_paper_7p5b_64gpus_stage3_gb"} <= failed(
        mod.run(bytes_per_gpu=k8))


def test_pipeline_bubble_catches_the_megatron_ratio_used_as_idle_fraction():
    mod = verify.load("pipeline_bubble")
    bad = failed(mod.run(bubble_fraction=lambda p, m: (p - 1) / m))
    assert {"gpipe_p4_m4_idle_fraction", "1f1b_p8_m32_idle_fraction"} <= bad


def test_pipeline_bubble_catches_an_off_by_one_denominator():
    """(p - 1)/(m + p): 7/40 instead of 7/39 at p = 8, m = 32, 2.5% low."""
    mod = verify.load("pipeline_bubble")
    assert "gpipe_p8_m32_idle_fraction" in failed(mod.run(bubble_fraction=lambda p, m: (p - 1) / (m + p)))


def test_tensor_parallel_catches_splitting_the_first_weight_by_rows():
    mod = verify.load("tensor_parallel_split")
    bad = failed(mod.run(mlp=mod.row_split_first))
    assert {"mlp_tp2_max_abs_diff", "mlp_tp4_max_abs_diff", "layer_tp4_max_abs_diff"} <= bad
    assert "allreduces_per_layer_forward" in bad  # it never reduces: the GPUs' outputs would just disagree


def test_tensor_parallel_catches_an_all_reduce_that_averages():
    """Data parallelism averages gradients; tensor parallelism must sum the partial outputs."""
    mod = verify.load("tensor_parallel_split")

    def averaged(x, w1, w2, n):
        parts = [F.gelu(x @ a) @ b for a, b in zip(w1.chunk(n, dim=1), w2.chunk(n, dim=0), strict=True)]
        return torch.stack(parts).mean(0)

    assert {"mlp_tp2_max_abs_diff", "mlp_tp8_max_abs_diff"} <= failed(mod.run(mlp=averaged))


def test_grad_accumulation_catches_the_mean_of_micro_batch_means():
    mod = verify.load("grad_accumulation")
    assert failed(mod.run(accumulate_fn=mod.mean_of_means)) == {"padded_relative_max_diff"}


def test_grad_accumulation_catches_forgetting_to_divide_by_k():
    mod = verify.load("grad_accumulation")

    def no_division(w, micro_batches):
        w = w.detach().requires_grad_(True)
        for x, y, mask in micro_batches:
            s, n = mod.loss_tokens(w, x, y, mask)
            (s / n).backward()
        return w.grad

    assert {"equal_lengths_relative_max_diff", "padded_relative_max_diff"} <= failed(mod.run(accumulate_fn=no_division))


def test_checkpointing_catches_a_checkpoint_that_detaches_its_input():
    """Recomputing from a detached input cuts the graph: earlier blocks and x get no gradient."""
    mod = verify.load("activation_checkpointing")

    def detached(x, weights, use_checkpoint):
        for w1, w2 in weights:
            x = mod.Checkpoint.apply(x.detach(), w1, w2)
        return x

    bad = failed(mod.run(forward_fn=detached))
    assert "gradients_max_abs_diff" in bad and "saved_elements_checkpoint" not in bad


def test_checkpointing_catches_a_checkpoint_that_keeps_the_graph():
    """Running the block with autograd on inside the checkpoint saves every intermediate anyway."""
    mod = verify.load("activation_checkpointing")

    def keeps_graph(x, weights, use_checkpoint):
        for w1, w2 in weights:
            x = mod.block(x, w1, w2)
        return x

    assert {"saved_elements_checkpoint", "memory_ratio", "block_forwards_with_recompute"} <= failed(
        mod.run(forward_fn=keeps_graph))


def test_ring_allreduce_catches_reduce_then_broadcast_through_one_gpu():
    mod = verify.load("ring_allreduce")

    def through_rank0(buffers):
        n, size = len(buffers), buffers[0].numel()
        total = torch.stack(buffers).sum(0)
        sent = [size] * n  # everyone sends its buffer to rank 0 ...
        sent[0] = (n - 1) * size  # ... which sends the sum back to each of the others
        return [total.clone() for _ in buffers], sent

    assert failed(mod.run(allreduce=through_rank0)) == {"n4_sent_per_gpu_over_buffer", "n8_sent_per_gpu_over_buffer"}


def test_ring_allreduce_catches_a_formula_without_the_all_gather(monkeypatch):
    mod = verify.load("ring_allreduce")
    monkeypatch.setattr(mod, "ring_allreduce_bytes_per_gpu", lambda size_gb, n_gpus: (n_gpus - 1) / n_gpus * size_gb)
    assert "n8_sent_per_gpu_over_buffer" in failed(mod.run())


# --- precision ---------------------------------------------------------------------------


def test_float_formats_catches_a_max_that_forgets_the_reserved_exponent():
    """Using 2^e - 1 as the top exponent for IEEE formats gives fp16 a max of 131008."""
    mod = verify.load("float_formats")

    def no_reserved(e, m, ieee=1):
        return (2 - 2.0**-m) * 2.0 ** (2**e - 1 - (2 ** (e - 1) - 1))

    assert {"max_vs_finfo_worst_rel", "fp16_max_is_65504"} <= failed(mod.run(max_fn=no_reserved))


def test_float_formats_catches_unit_roundoff_called_epsilon():
    """2^-(m+1) is the unit roundoff (half of epsilon): a factor-2 slip candidates often make."""
    mod = verify.load("float_formats")
    assert failed(mod.run(eps_fn=lambda m: 2.0 ** -(m + 1))) == {"eps_vs_finfo_worst_rel", "bf16_eps"}


def test_float_formats_catches_e4m3_treated_as_ieee():
    """With IEEE conventions E4M3 would top out at 240, not 448."""
    mod = verify.load("float_formats")
    bad = failed(mod.run(max_fn=lambda e, m, ieee=1: mod.float_max(e, m, 1)))
    assert bad == {"max_vs_finfo_worst_rel"}


def test_float_formats_catches_a_subnormal_off_by_one_bit():
    mod = verify.load("float_formats")
    bad = failed(mod.run(subnormal_fn=lambda e, m: mod.float_min_normal(e) * 2.0 ** -(m + 1)))
    assert bad == {"min_subnormal_vs_bits_worst_rel", "fp16_min_subnormal"}


def test_fp16_overflow_catches_a_naive_softmax():
    mod = verify.load("fp16_overflow")
    bad = failed(mod.run(softmax=mod.naive_softmax))
    assert {"softmax_fp16_rows_sum_to_one", "softmax_fp16_max_rel_error"} <= bad


def test_fp16_overflow_catches_upcasting_after_the_exp():
    """exp in fp16 has already overflowed by the time the result is cast to fp32."""
    mod = verify.load("fp16_overflow")

    def late_upcast(x):
        e = x.exp().float()
        return (e / e.sum(-1, keepdim=True)).to(x.dtype)

    assert "softmax_fp16_max_rel_error" in failed(mod.run(softmax=late_upcast))


def test_fp16_overflow_catches_a_softmax_that_returns_bf16():
    """bf16 output rounding (2^-8 relative) is 8 times fp16's: the error check is tight enough to see it."""
    mod = verify.load("fp16_overflow")

    def via_bf16(x):
        return mod.stable_softmax(x).to(torch.bfloat16).to(x.dtype)

    assert failed(mod.run(softmax=via_bf16)) == {"softmax_fp16_max_rel_error"}


def test_loss_scaling_catches_unscaling_in_fp16():
    mod = verify.load("loss_scaling")
    bad = failed(mod.run(unscale_fn=lambda g16, s: (g16 / s).float()))
    assert "zero_fraction_with_scale_2_16" in bad


def test_loss_scaling_catches_forgetting_to_unscale():
    mod = verify.load("loss_scaling")
    assert "max_rel_error_with_scale_2_16" in failed(mod.run(unscale_fn=lambda g16, s: g16.float()))


def test_loss_scaling_catches_an_unscale_off_by_a_factor_of_1_001():
    """A scale bookkeeping slip of 0.1% (e.g. dividing by 65600 instead of 65536) is caught."""
    mod = verify.load("loss_scaling")
    assert "max_rel_error_with_scale_2_16" in failed(mod.run(unscale_fn=lambda g16, s: g16.float() / (s * 1.001)))


def test_master_weights_catches_updating_the_16_bit_copy():
    """Applying the update to the bf16/fp16 weights and copying them into the master loses every update."""
    mod = verify.load("master_weights")

    def update_16_bit(w16, master32, grad16, lr):
        w16 = w16 - lr * grad16
        return w16, w16.float()

    bad = failed(mod.run(step=update_16_bit))
    assert {"fp16_master_weight_after_1000_steps", "bf16_master_weight_after_1000_steps",
            "bf16_working_copy_after_1000_steps"} <= bad


def test_master_weights_catches_a_learning_rate_off_by_one_percent():
    mod = verify.load("master_weights")

    def lr_off(w16, master32, grad16, lr):
        return mod.mixed_precision_step(w16, master32, grad16, lr * 1.01)

    assert {"fp16_master_weight_after_1000_steps", "bf16_master_weight_after_1000_steps"} <= failed(mod.run(step=lr_off))


# --- quantization ----------------------------------------------------------------------


def test_int4_catches_dividing_by_8_with_the_asymmetric_range():
    """max/8 with codes clamped to [-8, 7]: the largest positive weight is clipped by a whole step."""
    mod = verify.load("int4_group_quant")

    def by_8(w, group_size):
        groups = w.view(w.shape[0], -1, group_size)
        scales = groups.abs().amax(dim=-1) / 8
        return torch.round(groups / scales[..., None]).clamp(-8, 7).to(torch.int8).view_as(w), scales

    assert "max_error_over_half_scale" in failed(mod.run(quantize=by_8))


def test_int4_catches_one_scale_for_the_whole_tensor():
    mod = verify.load("int4_group_quant")

    def per_tensor(w, group_size):
        groups = w.view(w.shape[0], -1, group_size)
        scales = torch.full(groups.shape[:2], w.abs().max().item() / 7, dtype=w.dtype)
        return torch.round(groups / scales[..., None]).clamp(-7, 7).to(torch.int8).view_as(w), scales

    assert "smaller_groups_smaller_error" in failed(mod.run(quantize=per_tensor))


def test_int4_catches_an_8_bit_scale_in_the_storage_formula(monkeypatch):
    """4 + 8/g instead of 4 + 16/g: 1.5% low at g = 128."""
    mod = verify.load("int4_group_quant")
    real = mod.quantized_bits_per_weight
    monkeypatch.setattr(mod, "quantized_bits_per_weight", lambda b, g, s=16, z=0: real(b, g, s // 2, z // 2))
    assert {"packed_bytes_minus_formula_worst", "bits_per_weight_g128"} <= failed(mod.run())


def test_zero_point_catches_an_unrounded_zero_point():
    mod = verify.load("zero_point_quant")

    def float_zp(x):
        s = (x.max() - x.min()) / 255
        zp = -x.min() / s
        return torch.clamp(torch.round(x / s + zp), 0, 255), s, zp

    assert "zero_is_exact" in failed(mod.run(quantize=float_zp))


def test_zero_point_catches_a_scale_over_256_levels():
    """(max - min)/256 looks like 'one step per code' but the top value then needs code 256 and is clipped."""
    mod = verify.load("zero_point_quant")

    def by_256(x):
        s = (x.max() - x.min()) / 256
        zp = torch.round(-x.min() / s)
        return torch.clamp(torch.round(x / s) + zp, 0, 255), s, zp

    assert "half_normal_zeropoint_max_error_over_half_step" in failed(mod.run(quantize=by_256))


def test_smoothquant_catches_migrating_in_the_wrong_direction():
    """x * s and w / s keeps the product but makes the activation outliers worse."""
    mod = verify.load("smoothquant_migration")

    def backwards(x, w, alpha=0.5):
        xs, ws = mod.smooth(x, w, alpha)
        s = x.abs().amax(dim=0) / xs.abs().amax(dim=0)
        return x * s, w / s[:, None]

    bad = failed(mod.run(smooth_fn=backwards))
    assert {"activation_outlier_ratio_drop", "w8a8_error_reduction"} <= bad
    assert "product_unchanged_rel" not in bad


def test_smoothquant_catches_scaling_only_the_activations():
    mod = verify.load("smoothquant_migration")

    def x_only(x, w, alpha=0.5):
        xs, _ = mod.smooth(x, w, alpha)
        return xs, w

    assert "product_unchanged_rel" in failed(mod.run(smooth_fn=x_only))


def test_gptq_catches_round_to_nearest():
    mod = verify.load("gptq_compensation")
    assert failed(mod.run(quantize=mod.rtn)) == {"correlated_error_reduction_vs_rtn"}


def test_gptq_catches_compensating_with_the_wrong_sign():
    mod = verify.load("gptq_compensation")

    def plus(w, x, damp=0.01):
        quant = mod.make_grid(w)
        w = w.clone()
        h = 2 * x.T @ x
        h += damp * h.diag().mean() * torch.eye(h.shape[0], dtype=h.dtype)
        u = torch.linalg.cholesky(torch.linalg.inv(h), upper=True)
        q = torch.zeros_like(w)
        for i in range(w.shape[1]):
            q[:, i] = quant(w[:, i], i)
            w[:, i:] += ((w[:, i] - q[:, i]) / u[i, i])[:, None] * u[i, i:][None, :]
        return q

    assert "correlated_error_reduction_vs_rtn" in failed(mod.run(quantize=plus))


# --- serving ---------------------------------------------------------------------------


def test_spec_tokens_catches_forgetting_the_target_token():
    """(1 - a^k)/(1 - a): the accepted drafts only, without the target's own token."""
    mod = verify.load("spec_decoding_tokens")
    bad = failed(mod.run(expected_tokens=lambda a, k: (1 - a**k) / (1 - a) if a < 1 else float(k)))
    assert {"t1_k4_tokens_per_pass", "alpha_1_gives_k_plus_1", "alpha_0p8_k4_tokens"} <= bad


def test_spec_tokens_catches_the_linear_guess():
    mod = verify.load("spec_decoding_tokens")
    assert "t1_k8_tokens_per_pass" in failed(mod.run(expected_tokens=lambda a, k: 1 + a * k))


def test_spec_distribution_catches_resampling_from_the_target_on_rejection():
    mod = verify.load("spec_decoding_distribution")

    def resample_p(p, q, n, g):
        x = torch.multinomial(q, n, replacement=True, generator=g)
        accept = torch.rand(n, generator=g, dtype=torch.float64) < (p[x] / q[x]).clamp(max=1)
        return torch.where(accept, x, torch.multinomial(p, n, replacement=True, generator=g)), accept

    bad = failed(mod.run(sampler=resample_p))
    assert {"case0_output_tv_to_target", "case1_output_tv_to_target"} <= bad


def test_spec_distribution_catches_the_inverted_ratio():
    """min(1, q/p) instead of min(1, p/q)."""
    mod = verify.load("spec_decoding_distribution")

    def inverted(p, q, n, g):
        x = torch.multinomial(q, n, replacement=True, generator=g)
        accept = torch.rand(n, generator=g, dtype=torch.float64) < (q[x] / p[x]).clamp(max=1)
        residual = (p - q).clamp(min=0)
        fallback = torch.multinomial(residual / residual.sum(), n, replacement=True, generator=g)
        return torch.where(accept, x, fallback), accept

    assert "case0_output_tv_to_target" in failed(mod.run(sampler=inverted))


def test_roofline_catches_counting_one_flop_per_weight_byte_twice():
    """2B FLOP/byte for fp16: forgetting that each weight is 2 bytes."""
    mod = verify.load("roofline_decode")
    assert "intensity_batch8" in failed(mod.run(intensity=lambda b, bytes_per_param=2: 2 * b))


def test_roofline_catches_a_ridge_off_by_the_two_flops_per_weight():
    mod = verify.load("roofline_decode")
    assert "ridge_batch_fp16" in failed(mod.run(ridge=lambda p, bw, bpp=2: p / bw / 2))


def test_roofline_catches_tokens_per_s_without_bytes_per_weight():
    mod = verify.load("roofline_decode")
    bad = failed(mod.run(tokens_per_s=lambda n_b, bpp, bw: bw * 1e12 / (n_b * 1e9)))
    assert {"batch1_tokens_per_s", "llama_7b_fp16_2tbps_tokens_per_s"} <= bad


def test_roofline_catches_training_flops_used_for_prefill():
    """6N per token is forward + backward; inference prefill is 2N."""
    mod = verify.load("roofline_decode")
    six_n = lambda n_b, t, peak, mfu: 6 * n_b * 1e9 * t / (peak * 1e12 * mfu)  # noqa: E731
    assert "prefill_512_seconds" in failed(mod.run(prefill=six_n))


def test_kv_budget_catches_a_formula_without_the_factor_two():
    """Counting only keys (or only values) halves every figure."""
    mod = verify.load("kv_cache_budget")
    no_two = lambda L, h, d, t, b=1, nbytes=2: L * h * d * t * b * nbytes  # noqa: E731
    assert {"llama2_7b_fp16_bytes_per_token", "llama2_70b_int8_bytes_per_token"} <= failed(mod.run(cache_bytes=no_two))


def test_kv_budget_catches_ignoring_gqa():
    """Using all 64 query heads of Llama-2-70B instead of its 8 KV heads: 8 times too much."""
    mod = verify.load("kv_cache_budget")

    def all_heads(L, h, d, t, b=1, nbytes=2):
        return mod.kv_cache_bytes(L, 64 if L == 80 else h, d, t, b, nbytes)

    bad = failed(mod.run(cache_bytes=all_heads))
    assert bad == {"llama2_70b_int8_bytes_per_token", "llama2_70b_fp16_bytes_per_token"}
