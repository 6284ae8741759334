"""The verifiers added with the bank fixes (issue 11 item 3) must catch wrong implementations.

Each case feeds a verifier a version of what it proves that people really get wrong (BatchNorm over the
batch axis only, GroupNorm over strided channels, InstanceNorm with the unbiased variance, counting a tied
model through state_dict(), the linear learning-rate rule for Adam or an exponent a little off sqrt,
one matrix for both queries and keys, a residual block that forgets or rescales its skip, a QK-norm that
is never applied, is 5% off, puts eps outside the square root or normalises to unit length, muP's 1/d written
as 1/sqrt(d)) and asserts that the named checks fail; the correct defaults pass for seeds 0, 1 and 2 (test_verifiers.py).
"""

import math

import pytest
import torch
from helpers import failed

from quiz import verify

OURS = "norm_axes weight_tying adam_sqrt_scaling qk_separate residual_gradient qk_logit_scale".split()


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def mod(name):
    return verify.load(name)


# --- wrong implementations ------------------------------------------------------------------------------


def norm_bn_over_batch_only(x, kind, groups=1):
    """BatchNorm2d with statistics over N only, one per (channel, pixel): the 1-D BatchNorm habit."""
    if kind == "batch":
        mu, var = x.mean(0, keepdim=True), x.var(0, unbiased=False, keepdim=True)
        return (x - mu) / torch.sqrt(var + 1e-5)
    return mod("norm_axes").normalize(x, kind, groups)


def norm_gn_strided_groups(x, kind, groups=1):
    """GroupNorm with channel c in group c % G (a reshape to (N, C/G, G, ...)) instead of adjacent channels."""
    if kind == "group":
        N, C, H, W = x.shape
        view = x.reshape(N, C // groups, groups, H, W)
        mu = view.mean(dim=(1, 3, 4), keepdim=True)
        var = view.var(dim=(1, 3, 4), unbiased=False, keepdim=True)
        return ((view - mu) / torch.sqrt(var + 1e-5)).reshape(N, C, H, W)
    return mod("norm_axes").normalize(x, kind, groups)


def norm_in_unbiased(x, kind, groups=1):
    """InstanceNorm with the unbiased variance: off by sqrt(30/29), about 1.7%, on a 5 x 6 map."""
    if kind == "instance":
        mu, var = x.mean(dim=(2, 3), keepdim=True), x.var(dim=(2, 3), unbiased=True, keepdim=True)
        return (x - mu) / torch.sqrt(var + 1e-5)
    return mod("norm_axes").normalize(x, kind, groups)


def norm_ln_per_position(x, kind, groups=1):
    """LayerNorm over C only at each pixel, the Transformer habit carried over to images."""
    if kind == "layer":
        mu, var = x.mean(1, keepdim=True), x.var(1, unbiased=False, keepdim=True)
        return (x - mu) / torch.sqrt(var + 1e-5)
    return mod("norm_axes").normalize(x, kind, groups)


def count_via_state_dict(model):
    return sum(t.numel() for t in model.state_dict().values())  # lists a tied tensor under both names


def count_trainable_matrices_only(model):
    return sum(p.numel() for p in model.parameters() if p.dim() == 2)  # forgets biases and LayerNorm gains


def shared_projection(x, w_q, w_k):
    return (x @ w_q) @ (x @ w_q).T  # copy-paste: w_q used for the keys too


def block_without_skip(x, w1, w2, residual):
    return w2 @ torch.tanh(w1 @ x)


def block_scaled_skip(x, w1, w2, residual):
    """Keeps the variance of x + f(x) at 1 by dividing by sqrt(2) in every block: the identity path decays."""
    f = w2 @ torch.tanh(w1 @ x)
    return (x + f) / math.sqrt(2) if residual else f


def qk_norm_forgotten(x):
    """The norm layer is constructed but never applied: logits still grow with W_Q and W_K."""
    return x


def qk_norm_5_percent_off(x):
    """RMS 1.05 instead of 1 (a stray gain): still invariant to W_Q's scale, but the bound grows to 1.1 sqrt(d)."""
    return 1.05 * mod("qk_logit_scale").rms_normalize(x)


def qk_norm_eps_outside_sqrt(x):
    """x / (sqrt(mean(x^2)) + eps): the same for entries of size 1, but not for entries of size sqrt(eps)."""
    return x / (x.pow(2).mean(-1, keepdim=True).sqrt() + mod("qk_logit_scale").EPS)


def qk_norm_unit_length(x):
    """F.normalize: |q| = 1 instead of RMS 1, so every logit is at most 1/sqrt(d) and attention goes flat."""
    return torch.nn.functional.normalize(x, dim=-1)


WRONG = {
    "bn_over_batch_only": ("norm_axes", {"normalize": norm_bn_over_batch_only}, {"batch_matches_torch"}),
    "gn_strided_groups": ("norm_axes", {"normalize": norm_gn_strided_groups}, {"group_matches_torch"}),
    "in_unbiased_variance": ("norm_axes", {"normalize": norm_in_unbiased}, {"instance_matches_torch"}),
    "ln_per_position": ("norm_axes", {"normalize": norm_ln_per_position}, {"layer_matches_torch"}),
    "count_via_state_dict": ("weight_tying", {"count_params": count_via_state_dict},
                             {"gpt2_small_tied", "gpt2_small_tied_hand_value", "untied_minus_tied"}),
    "count_matrices_only": ("weight_tying", {"count_params": count_trainable_matrices_only},
                            {"gpt2_small_tied", "gpt2_small_untied"}),
    "adam_linear_rule": ("adam_sqrt_scaling", {"adam_lr": lambda lr, k: lr * k},
                         {"adam_rule_mean_ratio", "adam_rule_var_ratio"}),
    "adam_exponent_0_45": ("adam_sqrt_scaling", {"adam_lr": lambda lr, k: lr * k**0.45},
                           {"adam_rule_mean_ratio", "adam_rule_var_ratio"}),
    "adam_unchanged_lr": ("adam_sqrt_scaling", {"adam_lr": lambda lr, k: lr}, {"adam_rule_mean_ratio"}),
    "shared_projection": ("qk_separate", {"scores": shared_projection},
                          {"separate_scores_asymmetry", "previous_token_head_hit_rate"}),
    "block_without_skip": ("residual_gradient", {"block": block_without_skip},
                           {"residual_grad_norm_ratio_at_least", "identity_path_when_blocks_are_off"}),
    "block_scaled_skip": ("residual_gradient", {"block": block_scaled_skip},
                          {"residual_grad_norm_ratio_at_least", "identity_path_when_blocks_are_off"}),
    "mup_scale_is_sqrt": ("qk_logit_scale", {"mup_scale": lambda d: d**-0.5},
                          {"indep_std_mup_scale_d256", "aligned_mup_logit_stays_1"}),
    "mup_scale_off_by_4": ("qk_logit_scale", {"mup_scale": lambda d: 1 / (d + 4)}, {"aligned_mup_logit_stays_1"}),
    "qk_norm_missing": ("qk_logit_scale", {"qk_norm": qk_norm_forgotten},
                        {"qk_norm_logits_ignore_weight_scale", "qk_norm_max_logit_is_sqrt_d"}),
    "qk_norm_5_percent_off": ("qk_logit_scale", {"qk_norm": qk_norm_5_percent_off},
                              {"qk_norm_max_logit_is_sqrt_d", "qk_norm_matches_rms_norm"}),
    "qk_norm_eps_outside_sqrt": ("qk_logit_scale", {"qk_norm": qk_norm_eps_outside_sqrt}, {"qk_norm_matches_rms_norm"}),
    "qk_norm_unit_length": ("qk_logit_scale", {"qk_norm": qk_norm_unit_length},
                            {"qk_norm_max_logit_is_sqrt_d", "qk_norm_matches_rms_norm"}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_implementation_fails(case):
    name, kwargs, must_fail = WRONG[case]
    checks = mod(name).run(seed=0, **kwargs)
    assert must_fail <= failed(checks), f"{name} did not notice {case}: failed only {sorted(failed(checks))}"


def test_every_verifier_has_a_wrong_case():
    assert {name for name, _, _ in WRONG.values()} == set(OURS)
