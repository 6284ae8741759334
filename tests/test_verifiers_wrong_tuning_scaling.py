"""The efficient-attention, fine-tuning, alignment and scaling-law verifiers must catch wrong implementations.

Each test feeds a verifier a mistake that candidates and engineers really make (an online softmax that
forgets to rescale, a LoRA merge without alpha/r, DPO without the reference model, GRPO normalised over
the batch, an SFT mask shifted by one, ...) and asserts that the specific check fails; the correct
defaults pass for seeds 0, 1 and 2 (test_verifiers.py). Where the claim is a number, one wrong version is
off by only a small, realistic amount, so the tolerance is shown to be tight.
"""

import math

import torch
import torch.nn.functional as F
from helpers import failed

from quiz import verify

OURS = """
flash_tiling flash_backward paged_attention mla_kv_cache sliding_window_reach lora_merge finetune_memory
nf4_levels qlora_double_quant dpo_loss bradley_terry grpo_advantages sft_loss_mask chinchilla_sizing
chinchilla_isoflop inference_aware_scaling
""".split()


# --- efficient attention ----------------------------------------------------------------------------------


def tiled_without_rescale(q, k, v, block_q, block_k, causal=False):
    """Keeps a running max but forgets to rescale l and the accumulator when the max grows."""
    T_q, d = q.shape
    out = torch.empty(T_q, v.shape[1], dtype=q.dtype)
    for i in range(0, T_q, block_q):
        qi = q[i:i + block_q]
        m = torch.full((qi.shape[0], 1), float("-inf"), dtype=q.dtype)
        row_sum = torch.zeros(qi.shape[0], 1, dtype=q.dtype)
        acc = torch.zeros(qi.shape[0], v.shape[1], dtype=q.dtype)
        for j in range(0, k.shape[0], block_k):
            s = qi @ k[j:j + block_k].T / d**0.5
            if causal:
                rows = torch.arange(i, i + qi.shape[0]).unsqueeze(1)
                s = s.masked_fill(torch.arange(j, j + s.shape[1]).unsqueeze(0) > rows, float("-inf"))
            m = torch.maximum(m, s.max(dim=1, keepdim=True).values)
            p = torch.exp(s - m)
            row_sum = row_sum + p.sum(dim=1, keepdim=True)
            acc = acc + p @ v[j:j + block_k]
        out[i:i + block_q] = acc / row_sum
    return out


def tiled_per_block_softmax(q, k, v, block_q, block_k, causal=False):
    """Normalises each key block on its own and averages the blocks: a softmax per tile, not per row."""
    d = q.shape[1]
    parts = [torch.softmax(q @ k[j:j + block_k].T / d**0.5, dim=-1) @ v[j:j + block_k]
             for j in range(0, k.shape[0], block_k)]  # fmt: skip
    return sum(parts) / len(parts)


def tiled_no_max(q, k, v, block_q, block_k, causal=False):
    """Sums exp(s) block by block without subtracting any max: right in exact arithmetic, overflows in floats."""
    d = q.shape[1]
    s = q @ k.T / d**0.5
    if causal:
        s = s.masked_fill(torch.ones_like(s, dtype=torch.bool).triu(1), float("-inf"))
    p = torch.exp(s)
    return (p @ v) / p.sum(dim=1, keepdim=True)


def test_flash_tiling_catches_a_missing_rescale():
    assert "max_abs_diff_blocks_8x8" in failed(verify.load("flash_tiling").run(seed=0, attention=tiled_without_rescale))


def test_flash_tiling_catches_a_softmax_per_tile():
    checks = failed(verify.load("flash_tiling").run(seed=0, attention=tiled_per_block_softmax))
    assert {"max_abs_diff_blocks_8x8", "max_abs_diff_blocks_5x16"} <= checks


def test_flash_tiling_catches_no_running_max():
    assert "finite_with_huge_scores" in failed(verify.load("flash_tiling").run(seed=0, attention=tiled_no_max))


def backward_without_d(q, k, v, o, lse, d_o, block=8):
    """dS = P * dP: forgets the rowsum(dO * O) term of the softmax Jacobian."""
    scale = q.shape[1] ** -0.5
    p = torch.exp(q @ k.T * scale - lse[:, None])
    ds = p * (d_o @ v.T)
    return ds @ k * scale, ds.T @ q * scale, p.T @ d_o


def backward_unscaled(q, k, v, o, lse, d_o, block=8):
    """Recomputes P right but drops the 1/sqrt(d) factor from dQ and dK (it is in S, so it is in dS/dQ)."""
    scale = q.shape[1] ** -0.5
    p = torch.exp(q @ k.T * scale - lse[:, None])
    ds = p * (d_o @ v.T - (d_o * o).sum(1, keepdim=True))
    return ds @ k, ds.T @ q, p.T @ d_o


def test_flash_backward_catches_the_missing_d_term():
    checks = failed(verify.load("flash_backward").run(seed=0, backward=backward_without_d))
    assert {"dq_max_abs_diff", "dk_max_abs_diff"} <= checks
    assert "dv_max_abs_diff" not in checks  # dV = P^T dO does not need D


def test_flash_backward_catches_a_missing_scale():
    checks = failed(verify.load("flash_backward").run(seed=0, backward=backward_unscaled))
    assert {"dq_max_abs_diff", "dk_max_abs_diff"} <= checks


def gather_ignoring_table(pool, table, seq_len):
    """Assumes the sequence's blocks are the first ones in the pool (physical = logical)."""
    pos = torch.arange(seq_len)
    return pool[pos // pool.shape[1], pos % pool.shape[1]]


def gather_off_by_one_slot(pool, table, seq_len):
    pos = torch.arange(seq_len) + 1  # slot index from 1
    return pool[torch.tensor(table)[(pos - 1) // pool.shape[1]], pos % pool.shape[1]]


def test_paged_attention_catches_a_gather_that_ignores_the_block_table():
    assert "max_abs_diff_vs_contiguous" in failed(verify.load("paged_attention").run(seed=0, gather=gather_ignoring_table))


def test_paged_attention_catches_an_off_by_one_slot():
    assert "max_abs_diff_vs_contiguous" in failed(verify.load("paged_attention").run(seed=0, gather=gather_off_by_one_slot))


def test_paged_attention_catches_floor_instead_of_ceil(monkeypatch):
    mod = verify.load("paged_attention")
    monkeypatch.setattr(mod, "paged_blocks", lambda seq_len, block_size: seq_len // block_size)
    assert {"blocks_allocated_vs_formula", "slots_wasted_13_tokens_block_4"} <= failed(mod.run(seed=0))


def test_mla_catches_a_cache_without_the_rope_key():
    mod = verify.load("mla_kv_cache")

    def no_rope_key(x, W, n_h, d_h, d_r):  # "the latent is all MLA caches": recompute k_R from... nothing
        W = dict(W, kr=torch.zeros_like(W["kr"]))
        out, (c, kr) = mod.decode_with_latent_cache(x, W, n_h, d_h, d_r)
        return out, (c,)

    checks = failed(mod.run(seed=0, decode=no_rope_key))
    assert {"max_abs_diff_latent_cache_vs_full", "cache_bytes_per_token_vs_formula"} <= checks


def test_mla_catches_per_head_rope_keys():
    """Caching a RoPE key per head (n_h * d_R) instead of one shared key: right outputs, a bigger cache."""
    mod = verify.load("mla_kv_cache")

    def per_head_rope_cache(x, W, n_h, d_h, d_r):
        out, (c, kr) = mod.decode_with_latent_cache(x, W, n_h, d_h, d_r)
        return out, (c, kr.repeat(1, n_h))

    checks = failed(mod.run(seed=0, decode=per_head_rope_cache))
    assert "cache_bytes_per_token_vs_formula" in checks
    assert "max_abs_diff_latent_cache_vs_full" not in checks


def test_mla_catches_a_formula_that_counts_k_and_v_latents(monkeypatch):
    mod = verify.load("mla_kv_cache")
    monkeypatch.setattr(mod, "mla_kv_bytes_per_token", lambda n_layers, d_latent, d_rope, bytes_per_value=2:
                        n_layers * (2 * d_latent + d_rope) * bytes_per_value)  # fmt: skip
    assert {"cache_bytes_per_token_vs_formula", "deepseek_v2_values_per_token_layer"} <= failed(mod.run(seed=0))


def window_mask_one_too_wide(T, window):
    """j >= i - window: window + 1 keys per query, the off-by-one of `triu(diagonal=-window)`."""
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    return (j <= i) & (j >= i - window)


def test_sliding_window_catches_a_window_one_too_wide():
    checks = failed(verify.load("sliding_window_reach").run(seed=0, mask_fn=window_mask_one_too_wide))
    assert {"reach_L1_W4", "reach_L3_W4"} <= checks


def test_sliding_window_catches_l_times_w(monkeypatch):
    """L * W instead of L * (W - 1) + 1: off by L - 1 positions, 3 of 29 at L = 4, W = 8."""
    mod = verify.load("sliding_window_reach")
    monkeypatch.setattr(mod, "swa_receptive_field", lambda window, n_layers: n_layers * window)
    assert {"formula_L4_W8", "mistral_7b_reach"} <= failed(mod.run(seed=0))


# --- fine-tuning ------------------------------------------------------------------------------------------


def test_lora_catches_a_merge_without_alpha_over_r():
    mod = verify.load("lora_merge")
    assert "merged_vs_unmerged" in failed(mod.run(seed=0, merge_fn=lambda layer: layer.weight + layer.B @ layer.A))


def test_lora_catches_a_merge_with_alpha_over_r_plus_one():
    """A small slip: scale alpha / (r + 1) in the merge (4 vs 3.2 here)."""
    mod = verify.load("lora_merge")
    r = 4
    merge = lambda layer: layer.weight + layer.scale * r / (r + 1) * layer.B @ layer.A  # noqa: E731
    assert "merged_vs_unmerged" in failed(mod.run(seed=0, merge_fn=merge))


def test_lora_catches_both_factors_random_at_init():
    mod = verify.load("lora_merge")

    class BothRandom(mod.LoRALinear):
        def __init__(self, d_in, d_out, r, alpha, g):
            super().__init__(d_in, d_out, r, alpha, g)
            self.B = torch.nn.Parameter(torch.randn(d_out, r, generator=g, dtype=torch.float64) * 0.01)

    assert "init_equals_base_model" in failed(mod.run(seed=0, layer_cls=BothRandom))


def test_lora_catches_a_square_r_by_r_count(monkeypatch):
    mod = verify.load("lora_merge")
    monkeypatch.setattr(mod, "lora_params", lambda d_in, d_out, rank: rank * (d_in + d_out) + rank * rank)
    assert {"trainable_params_vs_formula", "params_4096_square_r8"} <= failed(mod.run(seed=0))


def test_finetune_memory_catches_an_optimizer_with_one_moment():
    """SGD with momentum keeps one fp32 buffer: 12 bytes per parameter, not 16."""
    mod = verify.load("finetune_memory")

    def sgd(params, lr, **_):
        return torch.optim.SGD(params, lr=lr, momentum=0.9)

    assert {"optimizer_state_bytes_per_param", "total_bytes_per_param"} <= failed(mod.run(seed=0, optimizer_cls=sgd))


def test_finetune_memory_catches_forgetting_the_master_weights(monkeypatch):
    mod = verify.load("finetune_memory")
    monkeypatch.setattr(mod, "full_finetune_gb", lambda n_params_b: 12 * n_params_b)  # 2 + 2 + 8
    assert {"formula_vs_measured_gb_per_billion", "llama_7b_full_finetune_gb"} <= failed(mod.run(seed=0))


def test_nf4_catches_evenly_spaced_levels():
    mod = verify.load("nf4_levels")
    checks = failed(mod.run(seed=0, codebook=lambda: torch.linspace(-1, 1, 16, dtype=torch.float64)))
    assert {"max_abs_diff_vs_published_table", "has_exact_zero"} <= checks


def test_nf4_catches_symmetric_quantiles_without_zero():
    """16 symmetric normal quantiles (8 each side) have no exact zero, and differ from the table."""
    mod = verify.load("nf4_levels")

    def symmetric():
        p = torch.linspace(0.5 / 16, 1 - 0.5 / 16, 16, dtype=torch.float64)
        levels = torch.special.ndtri(p)
        return levels / levels.max()

    checks = failed(mod.run(seed=0, codebook=symmetric))
    assert {"max_abs_diff_vs_published_table", "has_exact_zero"} <= checks


def test_nf4_catches_a_slightly_different_offset():
    """offset 0.97 instead of 0.9677: every level moves by less than 0.01."""
    mod = verify.load("nf4_levels")

    def offset_097():
        q = torch.special.ndtri
        pos = q(torch.linspace(0.97, 0.5, 9, dtype=torch.float64)[:-1])
        neg = -q(torch.linspace(0.97, 0.5, 8, dtype=torch.float64)[:-1])
        levels = torch.cat([neg, torch.zeros(1, dtype=torch.float64), pos]).sort().values
        return levels / levels.max()

    assert failed(mod.run(seed=0, codebook=offset_097)) == {"max_abs_diff_vs_published_table"}


def test_qlora_catches_unpacked_codes():
    """One uint8 per 4-bit code: 8.5 bits per weight instead of 4.5."""
    mod = verify.load("qlora_double_quant")

    def unpacked(w, block=64, block2=256, double_quant=True):
        stored = mod.quantize(w, block, block2, double_quant)
        codes = stored.pop("codes")
        stored["codes"] = torch.stack([codes >> 4, codes & 15], 1).flatten()
        return stored

    assert {"bits_per_weight_single", "bytes_double_quant"} <= failed(mod.run(seed=0, quantize_fn=unpacked))


def test_qlora_catches_a_formula_without_the_second_level_constants(monkeypatch):
    """4 + 8/64 = 4.125 bits: off by 32/16384 = 0.002 bits per weight."""
    mod = verify.load("qlora_double_quant")
    monkeypatch.setattr(mod, "nf4_storage_bits", lambda block=64, block2=256, double_quant=1:
                        4 + (8 / block if double_quant else 32 / block))  # fmt: skip
    assert {"bytes_double_quant", "bits_double_by_hand"} <= failed(mod.run(seed=0))


# --- alignment --------------------------------------------------------------------------------------------


def dpo_without_reference(pi_c, pi_r, ref_c, ref_r, beta):
    return -F.logsigmoid(beta * (pi_c - pi_r)).mean()


def dpo_without_beta(pi_c, pi_r, ref_c, ref_r, beta):
    return -F.logsigmoid((pi_c - ref_c) - (pi_r - ref_r)).mean()


def dpo_label_smoothed(pi_c, pi_r, ref_c, ref_r, beta, eps=0.01):
    """Conservative DPO with 1% label smoothing, shipped as if it were plain DPO: a small shift."""
    z = beta * ((pi_c - ref_c) - (pi_r - ref_r))
    return (-(1 - eps) * F.logsigmoid(z) - eps * F.logsigmoid(-z)).mean()


def test_dpo_catches_a_missing_reference_model():
    checks = failed(verify.load("dpo_loss").run(seed=0, loss_fn=dpo_without_reference))
    assert {"hand_pair_loss", "batch_loss_vs_formula"} <= checks


def test_dpo_catches_a_missing_beta():
    checks = failed(verify.load("dpo_loss").run(seed=0, loss_fn=dpo_without_beta))
    assert {"hand_pair_loss", "grad_chosen_vs_beta_sigmoid"} <= checks


def test_dpo_catches_silent_label_smoothing():
    checks = failed(verify.load("dpo_loss").run(seed=0, loss_fn=dpo_label_smoothed))
    assert {"hand_pair_loss", "grad_chosen_vs_beta_sigmoid", "batch_loss_vs_formula"} <= checks
    assert "loss_at_init_is_ln2" not in checks  # at margin 0 smoothing changes nothing


def test_bradley_terry_catches_independent_sigmoids():
    """'P(a beats b) = P(a good) * P(b bad)': sigmoid(r_a) * (1 - sigmoid(r_b))."""
    prob = lambda a, b: torch.sigmoid(a) * (1 - torch.sigmoid(b))  # noqa: E731
    checks = failed(verify.load("bradley_terry").run(seed=0, prob=prob))
    assert {"gap_1_prob", "shift_invariance", "p_ab_plus_p_ba"} <= checks


def test_bradley_terry_catches_a_temperature():
    """sigmoid((r_a - r_b) / 1.1): a reward scale 10% off fits the data with rewards 10% too far apart."""
    prob = lambda a, b: torch.sigmoid((a - b) / 1.1)  # noqa: E731
    checks = failed(verify.load("bradley_terry").run(seed=0, prob=prob))
    assert {"gap_1_prob", "fitted_gap_recovers_truth"} <= checks


def test_bradley_terry_catches_the_wrong_formula(monkeypatch):
    mod = verify.load("bradley_terry")
    monkeypatch.setattr(mod, "bradley_terry_prob", lambda r_a, r_b: math.exp(r_a) / (math.exp(r_a) + 1))
    assert "gap_2_prob_formula" in failed(mod.run(seed=0))


def test_grpo_catches_batch_normalisation():
    def batch_norm(rewards, eps=1e-6):
        return (rewards - rewards.mean()) / (rewards.std(unbiased=False) + eps)

    checks = failed(verify.load("grpo_advantages").run(seed=0, advantages=batch_norm))
    assert {"max_abs_group_mean", "max_abs_diff_vs_row_by_row"} <= checks


def test_grpo_catches_the_unbiased_std():
    """torch's default std divides by G - 1: advantages smaller by sqrt(7/8) = 0.935 at G = 8."""
    def unbiased(rewards, eps=1e-6):
        return (rewards - rewards.mean(1, keepdim=True)) / (rewards.std(1, keepdim=True) + eps)

    checks = failed(verify.load("grpo_advantages").run(seed=0, advantages=unbiased))
    assert {"right_answer_3_of_8", "max_abs_group_std_minus_1"} <= checks


def test_grpo_catches_a_zero_std_division():
    def no_eps(rewards, eps=1e-6):
        return (rewards - rewards.mean(1, keepdim=True)) / rewards.std(1, keepdim=True, unbiased=False)

    assert "all_equal_group_gives_zero" in failed(verify.load("grpo_advantages").run(seed=0, advantages=no_eps))


def test_grpo_catches_the_sample_std_in_the_formula(monkeypatch):
    mod = verify.load("grpo_advantages")
    monkeypatch.setattr(mod, "grpo_advantage_correct",
                        lambda group, n_correct: (1 - n_correct / group) / torch.tensor([1.0] * (group - n_correct)
                                                                                   + [0.0] * n_correct).std().item())
    assert "formula_right_3_of_8" in failed(mod.run(seed=0))


def test_sft_catches_labels_shifted_twice():
    """Shifting the labels in the collator and again in the model: each token predicts the one two ahead."""
    def pre_shifted(ids, mask):
        labels = torch.full_like(ids, -100)
        labels[:, :-1] = torch.where(mask[:, 1:], ids[:, 1:], -100)
        return labels

    assert "loss_vs_assistant_tokens_by_hand" in failed(verify.load("sft_loss_mask").run(seed=0, labels_fn=pre_shifted))


def test_sft_catches_training_on_the_prompt():
    def no_mask(ids, mask):
        return ids.clone()

    checks = failed(verify.load("sft_loss_mask").run(seed=0, labels_fn=no_mask))
    assert {"loss_vs_assistant_tokens_by_hand", "trained_positions"} <= checks


def test_sft_catches_a_mask_missing_the_first_assistant_token():
    """Masking up to and including the first assistant token (an off-by-one at the role boundary)."""
    def late_mask(ids, mask):
        first = mask & ~torch.nn.functional.pad(mask[:, :-1], (1, 0))
        return torch.where(mask & ~first, ids, -100)

    checks = failed(verify.load("sft_loss_mask").run(seed=0, labels_fn=late_mask))
    assert {"loss_vs_assistant_tokens_by_hand", "trained_positions"} <= checks


# --- scaling laws -----------------------------------------------------------------------------------------


def test_chinchilla_sizing_catches_c_equals_2nd():
    """Forward-only FLOPs (C = 2 N D) make the model sqrt(3) too big."""
    mod = verify.load("chinchilla_sizing")
    params = lambda c, tokens_per_param=20: math.sqrt(c / (2 * tokens_per_param)) / 1e9  # noqa: E731
    assert {"params_b_vs_bisection", "params_b_1e24_by_hand"} <= failed(mod.run(seed=0, params_b=params))


def test_chinchilla_sizing_catches_21_tokens_per_param():
    """A small slip: 21 tokens per parameter moves N by 2.4%."""
    mod = verify.load("chinchilla_sizing")
    params = lambda c, tokens_per_param=20: math.sqrt(c / (6 * 21)) / 1e9  # noqa: E731
    assert "params_b_vs_bisection" in failed(mod.run(seed=0, params_b=params))


def test_chinchilla_sizing_catches_d_equals_n_over_20():
    mod = verify.load("chinchilla_sizing")
    tokens = lambda c, tokens_per_param=20: math.sqrt(c / 120) / 20 / 1e9  # noqa: E731
    assert {"tokens_b_vs_bisection", "chinchilla_tokens_per_param"} <= failed(mod.run(seed=0, tokens_b=tokens))


def test_chinchilla_isoflop_catches_swapped_exponents():
    """alpha and beta swapped: the optimum tilts towards parameters (C^0.55)."""
    mod = verify.load("chinchilla_isoflop")
    loss = lambda n, d: mod.E + mod.A / n**mod.BETA + mod.B / d**mod.ALPHA  # noqa: E731
    assert {"n_opt_exponent", "n_opt_1e24_vs_closed_form"} <= failed(mod.run(seed=0, loss=loss))


def test_chinchilla_isoflop_catches_a_slightly_different_alpha():
    """alpha = 0.3392 (the unrounded fit) with the rest unchanged: the exponent moves by 0.005."""
    mod = verify.load("chinchilla_isoflop")
    loss = lambda n, d: mod.E + mod.A / n**0.3392 + mod.B / d**mod.BETA  # noqa: E731
    assert "n_opt_exponent" in failed(mod.run(seed=0, loss=loss))


def test_inference_aware_catches_ignoring_inference():
    mod = verify.load("inference_aware_scaling")
    checks = failed(mod.run(seed=0, cost_fn=lambda n, d, d_inf: 6 * n * d))
    assert {"lagrange_with_inference", "params_with_inference_over_without", "lifetime_cost_over_chinchilla_model"} <= checks


def test_inference_aware_catches_inference_at_training_cost():
    """6 N per inference token (as if serving ran backward too) instead of 2 N."""
    mod = verify.load("inference_aware_scaling")
    checks = failed(mod.run(seed=0, cost_fn=lambda n, d, d_inf: 6 * n * d + 6 * n * d_inf))
    assert "lagrange_with_inference" in checks
