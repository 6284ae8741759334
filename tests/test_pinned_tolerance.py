"""Tolerance tightness: every verifier's injectable implementation, made 5% wrong, must fail a check.

A verifier whose tolerances are loose enough to accept an implementation that is 5% off proves little. For
each `run(seed, <name>=<default>)` parameter that returns numbers or tensors, the default is wrapped to
return 1.05x its result and at least one check must fail. New verifiers are covered automatically; the
exceptions below each say why a 5% scaling is not a wrong answer for them (or cannot be applied).
"""

import inspect

import pytest
import torch

from quiz import verify

SCALE_INVARIANT = {  # a 5% scaling cannot change what the verifier measures: not a wrong implementation
    "bidirectional_low_rank.scores": "checks the rank of the logits, which scaling keeps",
    "chinchilla_isoflop.loss": "checks where the loss is minimal, which scaling the loss keeps",
    "deepnorm.deep_norm": "measures relative update sizes ||dF|| / ||F||, unchanged by scaling F",
    "inference_aware_scaling.cost_fn": "checks which size minimises the cost, which scaling the cost keeps",
    "minhash_jaccard.signature": "compares signatures for equality, which scaling both sides keeps",
    # main's verifier (merged after this test was written): it checks that QK-norm makes the logits independent
    # of the size of W_Q, W_K and an upper bound; a 1.05x norm keeps both (follow-up: a check of the RMS itself)
    "qk_logit_scale.qk_norm": "checks invariance to the weight scale and a bound, which a 5% scaling keeps",
    "residual_layer_skip.block_fn": "qualitative bounds (a skipped layer changes < 50%); a 5% block is still residual",
}
NOT_NUMERIC = {  # the implementation returns a structure, indices or a module; covered by test_verifiers_wrong_*
    "alibi_slopes.alibi_slopes": "a list of slopes",
    "architecture_masks.make_masks": "a dict of boolean masks",
    "aux_free_balancing.route": "expert indices",
    "bpe_merges.learn": "a tuple of merges",
    "grad_clip.clip": "a list of gradients",
    "greedy_vs_beam.decode": "a tuple of token sequences",
    "learned_pe_length.make_table": "an nn.Embedding",
    "mha_params.make_mha": "an nn.MultiheadAttention class",
    "mla_kv_cache.decode": "a tuple (outputs, cache)",
    "moe_capacity.dispatch": "token-to-expert indices",
    "nsp_pairs.make_nsp_pairs": "boolean labels",
    "prefix_lm_mask.make_mask": "a boolean mask",
    "qlora_double_quant.quantize_fn": "a dict of quantised blocks",
    "ring_allreduce.allreduce": "a tuple (a list of per-rank results, elements sent)",
    "rnn_vanishing.make_lstm": "an nn.LSTM class",
    "rnn_vanishing.make_rnn": "an nn.RNN class",
    "sft_loss_mask.labels_fn": "integer labels",
    "sliding_window_reach.mask_fn": "a boolean mask",
    "spec_decoding_distribution.sampler": "sampled token ids",
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
TESTED = [(n, k) for n, k in ALL if f"{n}.{k}" not in SCALE_INVARIANT | NOT_NUMERIC]


def off_by_5_percent(value):
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, (int, float, torch.Tensor)):
        return value * 1.05
    if isinstance(value, tuple):
        return tuple(off_by_5_percent(v) for v in value)
    raise TypeError(type(value).__name__)


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.mark.parametrize("name, param", TESTED, ids=[f"{n}.{k}" for n, k in TESTED])
def test_five_percent_off_fails_a_check(name, param):
    mod = verify.load(name)
    right = inspect.signature(mod.run).parameters[param].default

    def wrong(*args, **kwargs):
        return off_by_5_percent(right(*args, **kwargs))

    checks = mod.run(seed=0, **{param: wrong})
    assert [c.name for c in checks if not c.passed], f"{name} accepts {param} 5% off"


def test_the_exception_lists_name_real_injectables():
    names = {f"{n}.{k}" for n, k in ALL}
    assert set(SCALE_INVARIANT) <= names and set(NOT_NUMERIC) <= names
    assert len(TESTED) >= 70  # most verifiers are covered, not exempted
