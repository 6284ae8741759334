"""Judge for multi-head causal self-attention: no leak from future tokens, each token sees itself,
heads split and merged on the right channels (tested with zero queries, where the scale cannot
matter), scores scaled by the head width, several shapes (B = 1, T = 1, odd T, one head)."""

import torch
from _judge import (
    Case,
    check_at_least,
    check_at_most,
    compare,
    differs,
    generator,
    inputs_unchanged,
    not_one_hot,
    randn,
    same_shape_and_dtype,
    sibling,
    unchanged_by,
)

reference = sibling(__file__, "reference").causal_self_attention


def layer(g, B, T, C, H, dtype=torch.float64, gain=1.0):
    """x and weights; q and k entries of order 1, so scores of order sqrt(D) before scaling: the 1/sqrt(D)
    matters and no softmax row is one-hot."""
    return {"x": randn(g, B, T, C, dtype=dtype), "w_qkv": randn(g, 3 * C, C, dtype=dtype, scale=gain / C**0.5),
            "w_o": randn(g, C, C, dtype=dtype, scale=C**-0.5), "n_heads": H}  # fmt: skip


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [Case(layer(g, 1, 1, 8, 2)), Case(layer(g, 2, 5, 8, 2)), Case(layer(g, 3, 7, 12, 3)),
            Case(layer(g, 2, 4, 6, 1)), Case(layer(g, 1, 6, 16, 4, torch.float32))]  # fmt: skip


def variant(x, w_qkv, w_o, n_heads, *, scale=None, split_view=False):
    """The reference with one mistake switched on (for informative())."""
    B, T, C = x.shape
    D = C // n_heads
    q, k, v = (x @ w_qkv.T).split(C, dim=-1)
    split = (lambda t: t.reshape(B, n_heads, T, D)) if split_view else (lambda t: t.view(B, T, n_heads, D).transpose(1, 2))
    q, k, v = (split(t) for t in (q, k, v))
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    weights = torch.softmax((q @ k.transpose(-2, -1) / (scale or D**0.5)).masked_fill(future, float("-inf")), -1)
    return (weights @ v).transpose(1, 2).reshape(B, T, C) @ w_o.T, weights


def inputs(seed: int) -> dict:
    g = generator(seed + 3)
    zero_q = layer(g, 2, 6, 8, 4)
    zero_q["w_qkv"][:8] = 0  # q = 0: uniform causal averages, whatever the scale
    leak = layer(g, 2, 7, 8, 2)
    later = leak["x"].clone()
    later[:, 4:] = randn(g, 2, 3, 8, scale=3.0)  # change only positions 4, 5, 6
    return {"zero_q": zero_q, "scale": layer(g, 2, 6, 8, 4, gain=0.7), "leak": leak, "later": later,
            "single": layer(g, 3, 1, 8, 4)}  # fmt: skip


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    x = inputs(seed)
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl, [(c, tuple(c.args["x"].shape), c.args["x"].dtype)
                                                            for c in all_cases]),  # fmt: skip
        inputs_unchanged("input_not_modified", impl, all_cases[2]),
        unchanged_by("future_tokens_do_not_leak", impl, Case(x["leak"]), Case({**x["leak"], "x": x["later"]}),
                     select=lambda y: y[:, :4], atol=1e-9,
                     note="outputs at positions 0-3 changed when only positions 4-6 of x changed"),  # fmt: skip
        compare("single_token_sees_itself", impl, reference, [Case(x["single"])], atol=1e-9),
        compare("heads_split_and_merged", impl, reference, [Case(x["zero_q"])], atol=1e-9),
        compare("scaled_by_sqrt_head_dim", impl, reference, [Case(x["scale"])], atol=1e-9),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
    ]


def informative(seed: int = 0) -> list:
    x = inputs(seed)
    s = x["scale"]
    ref, weights = variant(**s)
    zq = x["zero_q"]
    leak_ref, leak_later = reference(**x["leak"]), reference(**{**x["leak"], "x": x["later"]})
    return [
        differs("scale_by_sqrt_model_dim_moves_output", variant(**s, scale=8**0.5)[0], ref, 1e-3),
        differs("scale_halved_moves_output", variant(**s, scale=2 * 2**0.5)[0], ref, 1e-3),  # D = 2
        differs("scale_doubled_moves_output", variant(**s, scale=2**0.5 / 2)[0], ref, 1e-3),
        not_one_hot("no_attention_row_is_one_hot", weights[..., 1:, :]),  # row 0 sees one key by design
        differs("wrong_head_split_moves_output_with_zero_queries", variant(**zq, split_view=True)[0],
                reference(**zq), 1e-3),  # fmt: skip
        check_at_most("zero_queries_make_the_scale_irrelevant",  # so heads_split_and_merged is about heads only
                      1e-12, float((variant(**zq, scale=1.0)[0] - reference(**zq)).abs().max())),
        differs("later_tokens_move_later_outputs", leak_ref[:, 4:], leak_later[:, 4:], 1e-3),
        differs("q_and_k_weights_differ", s["w_qkv"][:8], s["w_qkv"][8:16], 0.1),
        check_at_least("several_heads", 2, s["n_heads"]),
    ]
