"""The norm, BERT, training and position verifiers must catch wrong implementations.

Each case feeds a verifier a deliberately broken version of what it proves (BatchNorm in place of
LayerNorm, an RMSNorm that subtracts the mean, DeepNorm's alpha on the wrong branch, a BERT split
without the "keep" 10%, Adam without bias correction, RoPE as an added vector, the wrong ALiBi slopes,
...) and asserts that at least one check fails; the correct defaults pass for seeds 0, 1 and 2 (test_verifiers.py).
"""

import math

import pytest
import torch
import torch.nn.functional as F
from helpers import failed

from quiz import verify

OURS = """
layernorm_vs_batchnorm batchnorm_inference rmsnorm pre_post_ln_gradients deepnorm sandwich_ln
bert_mlm_masking mlm_loss_positions nsp_pairs noam_schedule warmup_adam linear_scaling_rule cross_entropy
sinusoidal_linear sinusoidal_dot rope alibi_slopes learned_pe_length
""".split()


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def mod(name):
    return verify.load(name)


# --- wrong implementations ------------------------------------------------------------------------------


def ln(x):
    return F.layer_norm(x, x.shape[-1:])


def bn_eval_uses_batch_stats(x, running_mean, running_var, training):
    """Forgets eval mode: normalises with the current batch even at inference."""
    return mod("batchnorm_inference").batch_norm(x, running_mean, running_var, training=True)


def bn_biased_running_var(x, running_mean, running_var, training):
    """Stores the biased batch variance in the running estimate (torch stores the unbiased one)."""
    if not training:
        return mod("batchnorm_inference").batch_norm(x, running_mean, running_var, training=False)
    mean, var = x.mean(0), x.var(0, unbiased=False)
    running_mean = 0.9 * running_mean + 0.1 * mean
    running_var = 0.9 * running_var + 0.1 * var
    return (x - mean) / torch.sqrt(var + 1e-5), running_mean, running_var


def rms_norm_subtracting_mean(x, weight, eps=1e-6):
    x = x - x.mean(-1, keepdim=True)  # that is LayerNorm, not RMSNorm
    return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def deepnorm_alpha_on_branch(x, fx, alpha):
    return ln(x + alpha * fx)  # alpha must up-weight the residual x, not the sublayer output


def mlm_no_keep(tokens, g, vocab_size, mask_id):
    """80% [MASK], 20% random, never left unchanged."""
    selected = torch.rand(tokens.shape, generator=g) < 0.15
    labels = torch.where(selected, tokens, torch.full_like(tokens, -100))
    r = torch.rand(tokens.shape, generator=g)
    inputs = torch.where(selected & (r < 0.8), torch.full_like(tokens, mask_id), tokens)
    random_ids = torch.randint(vocab_size, tokens.shape, generator=g)
    inputs = torch.where(selected & (r >= 0.8), random_ids, inputs)
    return inputs, labels


def mlm_mask_everything_selected(tokens, g, vocab_size, mask_id):
    selected = torch.rand(tokens.shape, generator=g) < 0.15
    labels = torch.where(selected, tokens, torch.full_like(tokens, -100))
    return torch.where(selected, torch.full_like(tokens, mask_id), tokens), labels


def mlm_loss_ignored_as_0(logits, labels):
    V = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, V), labels.clamp(min=0).reshape(-1))


def mlm_loss_over_all_positions(logits, labels):
    V = logits.shape[-1]
    total = F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), ignore_index=-100, reduction="sum")
    return total / labels.numel()


def nsp_swapped_order(doc_of, n_pairs, g):
    """Sentence-order prediction passed off as NSP: NotNext is the true pair, swapped."""
    a, b, is_next = mod("nsp_pairs").make_nsp_pairs(doc_of, n_pairs, g)
    a_swapped = torch.where(is_next, a, a + 1)
    b_swapped = torch.where(is_next, b, a)
    return a_swapped, b_swapped, is_next


def nsp_mostly_next(doc_of, n_pairs, g):
    a, b, is_next = mod("nsp_pairs").make_nsp_pairs(doc_of, n_pairs, g)
    flip = torch.rand(n_pairs, generator=g) < 0.6  # 80% IsNext instead of 50%
    return a, torch.where(flip, a + 1, b), is_next | flip


def noam_wrong_warmup_power(step, d_model, warmup):
    return d_model**-0.5 * min(step**-0.5, step * warmup**-1.0)


def adam_without_bias_correction(p, grad, m, v, t, lr):
    m = 0.9 * m + 0.1 * grad
    v = 0.999 * v + 0.001 * grad * grad
    return p - lr * m / (v.sqrt() + 1e-8), m, v  # step 1 moves by lr * 0.1 / sqrt(0.001) ~ 3.2 lr


def sqrt_scaled_lr(base_lr, base_batch, batch):
    return base_lr * math.sqrt(batch / base_batch)


def naive_cross_entropy(logits, targets):
    p = logits.exp() / logits.exp().sum(-1, keepdim=True)  # overflows for large logits
    return -p.gather(-1, targets.unsqueeze(-1)).log().mean()


def sinusoidal_sin_only(positions, d):
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = positions.to(torch.float64)[:, None] * w
    return torch.cat([angle.sin(), angle.sin()], dim=-1)


def random_position_table(positions, d):
    table = torch.randn(2000, d, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    return table[positions.long()]


def rope_added_not_rotated(x, positions):
    d = x.shape[-1]
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = positions.to(torch.float64)[:, None] * w
    pe = torch.stack([angle.sin(), angle.cos()], dim=-1).flatten(-2)  # (T, d) interleaved
    return x + pe


def alibi_slopes_wrong_exponent(n):
    return [2 ** (-h / n) for h in range(1, n + 1)]


def alibi_slopes_halving(n):
    return [2.0**-h for h in range(1, n + 1)]  # right for 8 heads only


def pe_table_one_row_too_many(max_len, d, g):
    return mod("learned_pe_length").make_table(max_len + 1, d, g)


WRONG = {
    "batchnorm_as_layernorm": ("layernorm_vs_batchnorm", lambda m: {"layer_norm": m.batch_norm}),
    "layernorm_as_batchnorm": ("layernorm_vs_batchnorm", lambda m: {"batch_norm": m.layer_norm}),
    "bn_eval_uses_batch_stats": ("batchnorm_inference", lambda m: {"batch_norm": bn_eval_uses_batch_stats}),
    "bn_biased_running_var": ("batchnorm_inference", lambda m: {"batch_norm": bn_biased_running_var}),
    "rms_norm_subtracting_mean": ("rmsnorm", lambda m: {"rms_norm": rms_norm_subtracting_mean}),
    "pre_post_swapped": (
        "pre_post_ln_gradients",
        lambda m: {"pre_ln": m.post_ln, "post_ln": m.pre_ln},
    ),
    "deepnorm_alpha_on_branch": ("deepnorm", lambda m: {"deep_norm": deepnorm_alpha_on_branch}),
    "deepnorm_no_beta": ("deepnorm", lambda m: {"beta_fn": lambda n: 1.0}),
    "sandwich_without_output_ln": ("sandwich_ln", lambda m: {"block": m.pre_ln_block}),
    "mlm_no_keep": ("bert_mlm_masking", lambda m: {"mask_tokens": mlm_no_keep}),
    "mlm_mask_everything": ("bert_mlm_masking", lambda m: {"mask_tokens": mlm_mask_everything_selected}),
    "mlm_loss_ignored_as_class_0": ("mlm_loss_positions", lambda m: {"mlm_loss": mlm_loss_ignored_as_0}),
    "mlm_loss_all_positions": ("mlm_loss_positions", lambda m: {"mlm_loss": mlm_loss_over_all_positions}),
    "nsp_swapped_order": ("nsp_pairs", lambda m: {"make_nsp_pairs": nsp_swapped_order}),
    "nsp_mostly_next": ("nsp_pairs", lambda m: {"make_nsp_pairs": nsp_mostly_next}),
    "noam_wrong_warmup_power": ("noam_schedule", lambda m: {"noam": noam_wrong_warmup_power}),
    "adam_without_bias_correction": ("warmup_adam", lambda m: {"adam_step": adam_without_bias_correction}),
    "sqrt_lr_scaling": ("linear_scaling_rule", lambda m: {"scaled_lr": sqrt_scaled_lr}),
    "naive_cross_entropy": ("cross_entropy", lambda m: {"cross_entropy": naive_cross_entropy}),
    "sinusoidal_sin_only": ("sinusoidal_linear", lambda m: {"sinusoidal": sinusoidal_sin_only}),
    "random_position_table": ("sinusoidal_dot", lambda m: {"sinusoidal": random_position_table}),
    "rope_added_not_rotated": ("rope", lambda m: {"rope": rope_added_not_rotated}),
    "alibi_wrong_exponent": ("alibi_slopes", lambda m: {"alibi_slopes": alibi_slopes_wrong_exponent}),
    "alibi_halving": ("alibi_slopes", lambda m: {"alibi_slopes": alibi_slopes_halving}),
    "pe_table_one_row_too_many": ("learned_pe_length", lambda m: {"make_table": pe_table_one_row_too_many}),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_implementation_fails(case):
    name, kwargs = WRONG[case]
    m = mod(name)
    checks = m.run(seed=0, **kwargs(m))
    assert failed(checks), f"{name} did not notice {case}"


def test_every_verifier_has_a_wrong_case():
    assert {name for name, _ in WRONG.values()} == set(OURS)
