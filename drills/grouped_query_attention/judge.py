"""Judge for grouped-query attention: no leak from later tokens, the 1/sqrt(d) scale (on a multi-head case,
where grouping cannot matter), query head h reading kv head h // group (tested with identical query heads
inside each group, so only the grouping can move the output), each query head attending on its own (not
averaged over its group), several shapes (MQA, MHA, T = 1, d_v != d); reuses the gqa_cache verifier."""

import torch
from _judge import (
    Case,
    check_at_most,
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

reference = sibling(__file__, "reference").grouped_query_attention


def qkv(g, B, H, H_kv, T, d, d_v=None, dtype=torch.float64, scale=1.0):
    """Entries of order `scale`: scores of order sqrt(d) before scaling, so 1/sqrt(d) matters."""
    return {"q": randn(g, B, H, T, d, dtype=dtype, scale=scale), "k": randn(g, B, H_kv, T, d, dtype=dtype, scale=scale),
            "v": randn(g, B, H_kv, T, d_v or d, dtype=dtype)}  # fmt: skip


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [Case(qkv(g, 2, 4, 2, 5, 8)), Case(qkv(g, 1, 6, 1, 4, 4, dtype=torch.float32)),  # GQA, MQA
            Case(qkv(g, 2, 3, 3, 6, 6)), Case(qkv(g, 3, 8, 2, 1, 4, dtype=torch.float32)),  # MHA, T = 1
            Case(qkv(g, 1, 6, 3, 7, 8, d_v=3))]  # fmt: skip


def same_within_groups(x, group):
    """q with every head of a group equal to the group's first head."""
    B, H, T, d = x.shape
    return x[:, ::group].repeat_interleave(group, dim=1).clone()


def inputs(seed: int) -> dict:
    g = generator(seed + 4)
    leak = qkv(g, 2, 4, 2, 7, 8)
    later = {name: t.clone() for name, t in leak.items()}
    for name in later:
        later[name][:, :, 4:] = randn(g, *later[name][:, :, 4:].shape, scale=3.0)  # change only positions 4, 5, 6
    grouped = [qkv(g, 2, 6, 2, 5, 8), qkv(g, 1, 8, 4, 6, 4), qkv(g, 2, 8, 2, 4, 8)]
    for x, group in zip(grouped, (3, 2, 4), strict=True):
        x["q"] = same_within_groups(x["q"], group)  # averaging a group's queries changes nothing here
    return {"leak": leak, "later": later, "scale": qkv(g, 2, 4, 4, 6, 16, scale=0.8), "grouped": grouped,
            "separate": [qkv(g, 2, 6, 2, 5, 8), qkv(g, 1, 4, 1, 6, 8)]}  # fmt: skip


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    x = inputs(seed)
    out_shape = lambda c: (*c.args["q"].shape[:-1], c.args["v"].shape[-1])  # noqa: E731
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl, [(c, out_shape(c), c.args["q"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[0]),
        unchanged_by("future_tokens_do_not_leak", impl, Case(x["leak"]), Case(x["later"]),
                     select=lambda y: y[:, :, :4], atol=1e-9,
                     note="outputs at positions 0-3 changed when only positions 4-6 changed"),  # fmt: skip
        compare("scaled_by_sqrt_head_dim", impl, reference, [Case(x["scale"])], atol=1e-9),
        compare("query_head_h_reads_kv_head_h_div_group", impl, reference, [Case(c) for c in x["grouped"]], atol=1e-9),
        compare("each_query_head_attends_separately", impl, reference, [Case(c) for c in x["separate"]], atol=1e-9),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
        *verifier_checks("gqa_cache", seed, keep=lambda n: n.startswith("max_abs_diff"), attention=impl),
    ]


def variant(q, k, v, *, tile=False, average=False, scale=None):
    """The reference with one mistake switched on (for informative())."""
    B, H, T, d = q.shape
    H_kv = k.shape[1]
    group = H // H_kv
    if average:
        q = q.reshape(B, H_kv, group, T, d).mean(2).repeat_interleave(group, dim=1)
    if tile:
        k, v = k.repeat(1, group, 1, 1), v.repeat(1, group, 1, 1)
    else:
        k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / (scale or d**0.5)).masked_fill(future, float("-inf")), -1)
    return weights @ v, weights


def informative(seed: int = 0) -> list:
    x = inputs(seed)
    s = x["scale"]
    ref, weights = variant(**s)
    grouped, separate = x["grouped"][0], x["separate"][0]
    later_moved = reference(**x["later"])[:, :, 4:] - reference(**x["leak"])[:, :, 4:]
    shapes = [(c.args["q"].shape[1], c.args["k"].shape[1], c.args["q"].shape[2]) for c in cases(seed)]
    return [
        differs("no_scale_moves_output", variant(**s, scale=1.0)[0], ref, 1e-3),
        differs("scale_halved_moves_output", variant(**s, scale=8.0)[0], ref, 1e-3),
        not_one_hot("no_attention_row_is_one_hot", weights[..., 1:, :]),  # row 0 sees one key by design
        differs("tiled_kv_heads_move_grouped_output", variant(**grouped, tile=True)[0], reference(**grouped), 1e-3),
        check_at_most("averaging_queries_is_invisible_on_grouped_input", 1e-12,
                      float((variant(**grouped, average=True)[0] - reference(**grouped)).abs().max())),
        differs("averaging_queries_moves_separate_output", variant(**separate, average=True)[0], reference(**separate),
                1e-3),  # fmt: skip
        differs("kv_heads_differ", grouped["k"][:, 0], grouped["k"][:, 1], 0.5),
        differs("later_tokens_move_later_outputs", later_moved, torch.zeros_like(later_moved), 1e-3),
        check_true("mqa_mha_gqa_and_t_1_cases", {h_kv == 1 for h, h_kv, t in shapes} == {True, False}
                   and any(h == h_kv for h, h_kv, t in shapes) and any(1 < h_kv < h for h, h_kv, t in shapes)
                   and any(t == 1 for h, h_kv, t in shapes)),  # fmt: skip
    ]
