"""Wrong implementations for the parallelism, precision, quantization and serving verifiers: each must fail
the specific check that catches it, while the correct default passes for seeds 0, 1 and 2."""

import pytest
import torch
import torch.nn.functional as F

from quiz import verify

NAMES = ["zero_memory", "pipeline_bubble", "tensor_parallel_split", "grad_accumulation", "activation_checkpointing",
         "ring_allreduce"]  # fmt: skip


def failed(checks) -> set[str]:
    return {c.name for c in checks if not c.passed}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_defaults_pass(name, seed):
    assert failed(verify.load(name).run(seed=seed)) == set()


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
    assert {"mlp_tp2_max_abs_diff", "mlp_tp4_max_abs_diff"} <= failed(mod.run(mlp=mod.row_split_first))


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
