"""Judge for scaled dot-product attention with a boolean mask: the 1/sqrt(d_k) scale (on inputs where
halving or doubling it moves the output), softmax over the keys, masked keys having no influence,
several shapes (batch and head dims, T != S, d_v != d_k, T = 1), extreme logits; reuses the
sdpa_equivalence verifier with the learner's function."""

import torch
from _judge import (
    Case,
    all_finite,
    check_true,
    compare,
    differs,
    generator,
    inputs_unchanged,
    not_one_hot,
    randn,
    same_shape_and_dtype,
    sibling,
    unchanged_by,
    verifier_checks,
)

reference = sibling(__file__, "reference").attention


def qkv(g, *lead, T, S, d_k, d_v, dtype=torch.float64, scale=1.0):
    return {"q": randn(g, *lead, T, d_k, dtype=dtype, scale=scale), "k": randn(g, *lead, S, d_k, dtype=dtype, scale=scale),
            "v": randn(g, *lead, S, d_v, dtype=dtype)}  # fmt: skip


def padding_mask(g, *lead, T, S, hidden: int):
    """(..., 1, S): the last `hidden` keys are padding for every query (a key-padding mask)."""
    keep = torch.ones(*lead, 1, S, dtype=torch.bool)
    keep[..., S - hidden:] = False
    return keep


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    causal = torch.ones(6, 6, dtype=torch.bool).tril()  # (T, T)
    random_mask = torch.rand(2, 5, 5, generator=g) > 0.4  # (B, T, S)
    random_mask[..., 0] = True  # every query keeps at least one key
    return [
        Case(qkv(g, T=5, S=7, d_k=6, d_v=3)),  # no batch dims, T != S, d_v != d_k
        Case(qkv(g, 2, 3, T=4, S=4, d_k=8, d_v=8, dtype=torch.float32)),  # (B, H, T, d)
        Case(qkv(g, 2, T=1, S=6, d_k=4, d_v=5)),  # a single query
        Case(qkv(g, 3, T=6, S=6, d_k=8, d_v=2), {"mask": causal}),  # a (T, T) mask broadcast over the batch
        Case(qkv(g, 2, T=5, S=5, d_k=6, d_v=4), {"mask": random_mask}),
        Case(qkv(g, 2, 2, T=3, S=6, d_k=4, d_v=4), {"mask": padding_mask(g, 2, 2, T=3, S=6, hidden=2)}),
    ]


def scale_inputs(seed: int) -> dict:
    """d_k = 8, d_v = 4: scores of order 3 before scaling, so sqrt(d_k), d_k, sqrt(d_v) and 1 all differ."""
    return qkv(generator(seed + 11), 2, T=5, S=6, d_k=8, d_v=4)


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    g = generator(seed + 5)
    ones = qkv(g, 2, T=4, S=6, d_k=8, d_v=3)
    ones["v"] = torch.ones_like(ones["v"])  # with v = 1 every output is the sum of a row of weights
    pad = padding_mask(g, 2, T=4, S=6, hidden=2)
    base = qkv(g, 2, T=4, S=6, d_k=8, d_v=3)
    moved = {k: v.clone() for k, v in base.items()}
    moved["k"][..., 4:, :] = randn(g, 2, 2, 8, scale=5.0)  # change only the padded keys and their values
    moved["v"][..., 4:, :] = randn(g, 2, 2, 3, scale=5.0)
    huge = qkv(g, 2, T=3, S=4, d_k=4, d_v=2, dtype=torch.float32, scale=100.0)  # scores ~1e4 / 2
    out_shape = lambda c: (*c.args["q"].shape[:-1], c.args["v"].shape[-1])  # noqa: E731
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl, [(c, out_shape(c), c.args["q"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[3]),
        compare("weights_sum_to_one_over_keys", impl, reference,
                [Case(ones), Case(ones, {"mask": pad})], atol=1e-9),  # fmt: skip
        unchanged_by("masked_keys_ignored", impl, Case(base, {"mask": pad}), Case(moved, {"mask": pad}), atol=1e-9,
                     note="changing masked-out keys and values must not change any output"),  # fmt: skip
        compare("scaled_by_sqrt_dk", impl, reference, [Case(scale_inputs(seed))], atol=1e-9),
        all_finite("finite_on_extreme_inputs", impl,
                   [Case(huge), Case(huge, {"mask": padding_mask(g, 2, T=3, S=4, hidden=1)})]),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
        *verifier_checks("sdpa_equivalence", seed, attention=impl),
    ]


def informative(seed: int = 0) -> list:
    x = scale_inputs(seed)
    q, k, v = x["q"], x["k"], x["v"]
    ref = reference(q, k, v)
    weights = torch.softmax(q @ k.transpose(-2, -1) / 8**0.5, dim=-1)
    g = generator(seed + 5)
    qkv(g, 2, T=4, S=6, d_k=8, d_v=3)  # the `ones` draw in run(), to stay in step with its generator
    padding_mask(g, 2, T=4, S=6, hidden=2)
    base = qkv(g, 2, T=4, S=6, d_k=8, d_v=3)
    moved = {kk: vv.clone() for kk, vv in base.items()}
    moved["k"][..., 4:, :] = randn(g, 2, 2, 8, scale=5.0)
    moved["v"][..., 4:, :] = randn(g, 2, 2, 3, scale=5.0)
    return [
        differs("scale_halved_moves_output", reference(q * 0.5, k, v), ref, 1e-3),
        differs("scale_doubled_moves_output", reference(q * 2.0, k, v), ref, 1e-3),
        differs("scale_by_sqrt_dv_moves_output", torch.softmax(q @ k.transpose(-2, -1) / 2.0, -1) @ v, ref, 1e-3),
        not_one_hot("no_attention_row_is_one_hot", weights),
        differs("q_differs_from_k", q, k[..., :5, :], 0.5),
        differs("softmax_over_queries_differs", torch.softmax(q @ k.transpose(-2, -1) / 8**0.5, dim=-2) @ v, ref, 1e-3),
        differs("masked_keys_move_an_unmasked_output", reference(**moved), reference(**base), 1e-3),
        check_true("mask_and_no_mask_cases", {c.kwargs is None for c in cases(seed)} == {True, False}),
    ]
