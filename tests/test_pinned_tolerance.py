"""Tolerance tightness: every verifier's injectable implementation, made 5% wrong, must fail a check.

A verifier whose tolerances are loose enough to accept an implementation that is 5% off proves little. For
each `run(seed, <name>=<default>)` parameter that returns numbers or tensors, the default is wrapped to
return 1.05x its result and at least one check must fail. New verifiers are covered automatically; the
exceptions below each say why a 5% scaling is not a wrong answer for them (or cannot be applied). Where the
result is a structure (a list, a dict, a tuple of indices and gates), the real numbers in it are made 5% off.

Then small realistic mistakes by hand, each with the checks that must name it: a norm's eps outside the
square root, and a 5% error inside the implementations whose scaling is exempt (a term of a loss or cost).
"""

import inspect

import pytest
import torch
from helpers import floats_five_percent_off, made_five_percent_off

from quiz import verify

SCALE_INVARIANT = {  # a 5% scaling cannot change what the verifier measures: not a wrong implementation
    "bidirectional_low_rank.scores": "checks the rank of the logits, which scaling keeps",
    "chinchilla_isoflop.loss": "checks where the loss is minimal, which scaling the loss keeps",
    "inference_aware_scaling.cost_fn": "checks which size minimises the cost, which scaling the cost keeps",
    "minhash_jaccard.signature": "compares signatures for equality, which scaling both sides keeps",
}
NOT_NUMERIC = {  # the implementation returns a structure, indices or a module; covered by test_verifiers_wrong_*
    "architecture_masks.make_masks": "a dict of boolean masks",
    "bpe_merges.learn": "a tuple of merges",
    "learned_pe_length.make_table": "an nn.Embedding",
    "mha_params.make_mha": "an nn.MultiheadAttention class",
    "moe_capacity.dispatch": "token-to-expert indices",
    "nsp_pairs.make_nsp_pairs": "boolean labels",
    "prefix_lm_mask.make_mask": "a boolean mask",
    "rnn_vanishing.make_lstm": "an nn.LSTM class",
    "rnn_vanishing.make_rnn": "an nn.RNN class",
    "sft_loss_mask.labels_fn": "integer labels",
    "sliding_window_reach.mask_fn": "a boolean mask",
    "spec_decoding_distribution.sampler": "sampled token ids",
}
FLOATS_INSIDE = {  # a structure with real numbers in it: those are made 5% too large, indices and counts kept
    "alibi_slopes.alibi_slopes": "a list of slopes",
    "aux_free_balancing.route": "expert indices and their gates",
    "grad_clip.clip": "a list of gradients",
    "greedy_vs_beam.decode": "token sequences and their probabilities",
    "mla_kv_cache.decode": "a tuple (outputs, cache)",
    "qlora_double_quant.quantize_fn": "a dict of quantised blocks and their scales",
    "ring_allreduce.allreduce": "a tuple (a list of per-rank results, elements sent)",
    "topk_routing.gates": "expert indices and gates",
    "yoco_memory.decode": "a tuple (outputs, cache sizes)",
}


def injectables() -> list[tuple[str, str]]:
    out = []
    for path in sorted(verify.VERIFIERS_DIR.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        sig = inspect.signature(verify.load(path.stem).run)
        out += [(path.stem, k) for k, p in sig.parameters.items()
                if k != "seed" and callable(p.default) and not isinstance(p.default, type)]  # fmt: skip
    return out


ALL = injectables()
TESTED = [(n, k) for n, k in ALL if f"{n}.{k}" not in SCALE_INVARIANT | NOT_NUMERIC | FLOATS_INSIDE]


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.mark.parametrize("name, param", TESTED, ids=[f"{n}.{k}" for n, k in TESTED])
def test_five_percent_off_fails_a_check(name, param):
    mod = verify.load(name)
    right = inspect.signature(mod.run).parameters[param].default

    checks = mod.run(seed=0, **{param: made_five_percent_off(right)})
    assert [c.name for c in checks if not c.passed], f"{name} accepts {param} 5% off"


@pytest.mark.parametrize("key", sorted(FLOATS_INSIDE))
def test_five_percent_off_inside_a_structure_fails_a_check(key):
    name, param = key.split(".")
    mod = verify.load(name)
    right = inspect.signature(mod.run).parameters[param].default
    touched = []

    def wrong(*args, **kwargs):
        result = right(*args, **kwargs)
        shifted = floats_five_percent_off(result)
        touched.append(repr(shifted) != repr(result))
        return shifted

    checks = mod.run(seed=0, **{param: wrong})
    assert any(touched), f"{key}: no real number in what {param} returns; list it under NOT_NUMERIC"
    assert [c.name for c in checks if not c.passed], f"{name} accepts {param} with its numbers 5% off"


def test_the_exception_lists_name_real_injectables():
    names = {f"{n}.{k}" for n, k in ALL}
    assert set(SCALE_INVARIANT) <= names and set(NOT_NUMERIC) <= names and set(FLOATS_INSIDE) <= names
    lists = [set(SCALE_INVARIANT), set(NOT_NUMERIC), set(FLOATS_INSIDE)]
    assert sum(map(len, lists)) == len(set.union(*lists)), "an injectable is in two exception lists"
    assert len(TESTED) >= 70  # most verifiers are covered, not exempted


# --- small realistic mistakes, each named by the checks that must fail -----------------------------------


def load(name):
    return verify.load(name)


def qk_norm_eps_outside_sqrt(x):
    return x / (x.pow(2).mean(-1, keepdim=True).sqrt() + load("qk_logit_scale").EPS)


def rms_norm_eps_outside_sqrt(x, weight, eps=1e-6):
    return x / (x.pow(2).mean(-1, keepdim=True).sqrt() + eps) * weight


def layer_norm_eps_outside_sqrt(x):  # (B, T, C), over C
    return (x - x.mean(-1, keepdim=True)) / (x.var(-1, unbiased=False, keepdim=True).sqrt() + 1e-5)


def batch_norm_eps_outside_sqrt(x):  # (B, T, C), over B and T
    return (x - x.mean((0, 1), keepdim=True)) / (x.var((0, 1), unbiased=False, keepdim=True).sqrt() + 1e-5)


def running_batch_norm_eps_outside_sqrt(x, running_mean, running_var, training):
    _, running_mean_new, running_var_new = load("batchnorm_inference").batch_norm(x, running_mean, running_var, training)
    mean, var = (x.mean(0), x.var(0, unbiased=False)) if training else (running_mean, running_var)
    return (x - mean) / (var.sqrt() + 1e-5), running_mean_new, running_var_new


def group_norms_eps_outside_sqrt_for_layer(x, kind, groups=1):
    if kind != "layer":
        return load("norm_axes").normalize(x, kind, groups)
    return (x - x.mean((1, 2, 3), keepdim=True)) / (x.var((1, 2, 3), unbiased=False, keepdim=True).sqrt() + 1e-5)


def chinchilla_loss_a_5_percent_off(n, d):
    m = load("chinchilla_isoflop")
    return m.E + 1.05 * m.A / n**m.ALPHA + m.B / d**m.BETA


def lifetime_flops_inference_5_percent_off(n, d_train, d_inference):
    return 6 * n * d_train + 2.1 * n * d_inference


def deep_norm_branch_5_percent_off(x, fx, alpha):
    return torch.nn.functional.layer_norm(alpha * x + 1.05 * fx, x.shape[-1:])


def pre_ln_block_updates_5_percent_off(block, x):
    x = x + 1.05 * block.attention(x)
    return x + 1.05 * block.mlp(x)


SMALL_MISTAKES = {  # case: (verifier, injectable, wrong implementation, checks that must fail)
    "qk_norm_eps_outside_sqrt": ("qk_logit_scale", "qk_norm", qk_norm_eps_outside_sqrt, {"qk_norm_matches_rms_norm"}),
    "rms_norm_eps_outside_sqrt": ("rmsnorm", "rms_norm", rms_norm_eps_outside_sqrt, {"matches_torch_rms_norm"}),
    "layer_norm_eps_outside_sqrt": ("layernorm_vs_batchnorm", "layer_norm", layer_norm_eps_outside_sqrt,
                                    {"ln_matches_torch"}),
    "batch_norm_eps_outside_sqrt": ("layernorm_vs_batchnorm", "batch_norm", batch_norm_eps_outside_sqrt,
                                    {"bn_matches_torch"}),
    "running_batch_norm_eps_outside_sqrt": ("batchnorm_inference", "batch_norm", running_batch_norm_eps_outside_sqrt,
                                            {"train_matches_torch", "eval_matches_torch"}),
    "image_layer_norm_eps_outside_sqrt": ("norm_axes", "normalize", group_norms_eps_outside_sqrt_for_layer,
                                          {"layer_matches_torch"}),
    # inside the exempt ones: scaling the whole loss or cost keeps the argmin, a 5% error in one term does not
    "chinchilla_a_5_percent_off": ("chinchilla_isoflop", "loss", chinchilla_loss_a_5_percent_off,
                                   {"n_opt_1e21_vs_closed_form", "n_opt_1e24_vs_closed_form"}),
    "inference_flops_5_percent_off": ("inference_aware_scaling", "cost_fn", lifetime_flops_inference_5_percent_off,
                                      {"lagrange_with_inference"}),
    "deep_norm_branch_5_percent_off": ("deepnorm", "deep_norm", deep_norm_branch_5_percent_off,
                                       {"residual_is_ln_of_alpha_x_plus_fx"}),
    "pre_ln_updates_5_percent_off": ("residual_layer_skip", "block_fn", pre_ln_block_updates_5_percent_off,
                                     {"block_adds_updates_to_the_stream"}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SMALL_MISTAKES))
def test_a_small_realistic_mistake_fails_its_named_checks(case):
    name, param, wrong, must_fail = SMALL_MISTAKES[case]
    assert param in inspect.signature(load(name).run).parameters
    failed = {c.name for c in load(name).run(seed=0, **{param: wrong}) if not c.passed}
    assert must_fail <= failed, f"{name} did not notice {case}: failed only {sorted(failed)}"
