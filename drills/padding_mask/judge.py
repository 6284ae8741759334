"""Judge for the key-padding-mask drill: what sits in the padded keys and values changes no output, the
weight is shared by every real key (the last one included) and rows sum to 1, the 1/sqrt(d) scale, a
sequence of length 0 gives zeros instead of nan, several shapes (T != S, T = 1, one head, lengths 1 and
S); reuses the padding_mask verifier with the learner's function."""

import torch
from _judge import (
    Case,
    DrillCheck,
    Failed,
    check_true,
    compare,
    differs,
    example_text,
    failed,
    generator,
    inputs_unchanged,
    not_one_hot,
    randn,
    same_shape_and_dtype,
    sibling,
    small,
    unchanged_by,
    verifier_checks,
)

reference = sibling(__file__, "reference").padded_attention


def qkv(g, B, H, T, S, d, d_v, lengths, dtype=torch.float64):
    return {"q": randn(g, B, H, T, d, dtype=dtype), "k": randn(g, B, H, S, d, dtype=dtype),
            "v": randn(g, B, H, S, d_v, dtype=dtype), "lengths": torch.tensor(lengths)}  # fmt: skip


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [
        Case(qkv(g, 3, 2, 5, 5, 8, 4, [5, 3, 1])),  # self-attention, T = S
        Case(qkv(g, 2, 1, 4, 7, 6, 6, [2, 7], torch.float32)),  # cross-attention, T != S, one head
        Case(qkv(g, 1, 3, 1, 6, 4, 3, [4])),  # a single query
        Case(qkv(g, 2, 2, 6, 1, 4, 2, [1, 1], torch.float32)),  # a single key
        Case(qkv(g, 4, 2, 3, 6, 8, 5, [6, 5, 2, 3])),
    ]


def inputs(seed: int) -> dict:
    g = generator(seed + 9)
    base = qkv(g, 4, 2, 5, 7, 8, 3, [7, 4, 1, 5])
    pad = torch.arange(7) >= base["lengths"][:, None]  # (B, S) True at padding
    junk = randn(g, 4, 2, 7, 8, scale=10.0)
    moved = {**base, "k": torch.where(pad[:, None, :, None], junk, base["k"]),
             "v": torch.where(pad[:, None, :, None], -junk[..., :3], base["v"])}  # fmt: skip
    eye = [Case({"q": randn(g, 1, 1, 1, 2), "k": randn(g, 1, 1, 4, 2), "lengths": torch.tensor([3])}),  # small to show
           Case({"q": randn(g, 3, 2, 4, 8), "k": randn(g, 3, 2, 6, 8), "lengths": torch.tensor([6, 3, 1])}),
           Case({"q": randn(g, 2, 1, 3, 16), "k": randn(g, 2, 1, 5, 16), "lengths": torch.tensor([5, 4])})]  # d = 16
    empty = [Case(qkv(g, 3, 2, 4, 5, 8, 3, [3, 0, 5])), Case(qkv(g, 2, 1, 1, 3, 4, 2, [0, 0], torch.float32))]
    return {"base": base, "moved": moved, "eye": eye, "empty": empty}


def weights_of(fn):
    """fn's attention weights: called with v = identity over the keys, each output row is one row of weights."""

    def weights(q, k, lengths):
        S = k.shape[-2]
        return fn(q, k, torch.eye(S, dtype=q.dtype).expand(*k.shape[:-1], S).clone(), lengths)

    return weights


def real_keys_share(name, impl, cases_, atol=1e-9):
    """Whatever the scale: every real key gets a positive weight, every padded key 0, each row sums to 1."""
    worst = 0.0
    for c in cases_:
        try:
            w = c.call(weights_of(impl))
        except Failed as exc:
            return failed(name, str(exc))
        k, lengths = c.args["k"], c.args["lengths"]
        if w.shape != (*c.args["q"].shape[:-1], k.shape[-2]):
            return failed(name, f"returned shape {tuple(w.shape)} for v = identity")
        real = (torch.arange(k.shape[-2]) < lengths[:, None])[:, None, None, :].expand(w.shape)  # (B, H, T, S)
        problems = []
        if not bool(torch.isfinite(w).all()):
            problems.append("nan/inf weights")
        elif not bool((w[real] > 0).all()):
            problems.append("a real key got weight 0")
        elif bool((w[~real] != 0).any()):
            problems.append("a padded key got weight")
        err = float((w.double().sum(-1) - 1).abs().max())
        if not problems and not err <= atol:
            problems.append(f"rows sum to 1 ± {err:.3g}")
        if problems:
            ex = example_text(c.shown(), "positive on keys < length, 0 after, rows summing to 1", w) if all(
                small(v) for v in c.args.values()) else ""  # fmt: skip
            return DrillCheck(name, 0.0, err, atol, False, f"weights (v = identity): {problems[0]}", "≈", ex)
        worst = max(worst, err)
    return DrillCheck(name, 0.0, worst, atol, True)


def attention(impl):
    """The learner's function in the padding_mask verifier's signature: (B, T, d) and a True-at-padding mask."""

    def attend(q, k, v, key_padding_mask=None):
        S = k.shape[-2]
        if key_padding_mask is None:
            lengths = torch.full((q.shape[0],), S)
        else:
            lengths = S - key_padding_mask.sum(-1)  # the verifier pads on the right
        return impl(q[:, None], k[:, None], v[:, None], lengths)[:, 0]

    return attend


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    x = inputs(seed)
    out_shape = lambda c: (*c.args["q"].shape[:-1], c.args["v"].shape[-1])  # noqa: E731
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl, [(c, out_shape(c), c.args["q"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[0]),
        unchanged_by("padded_keys_ignored", impl, Case(x["base"]), Case(x["moved"]), atol=1e-9,
                     note="only the padded keys and values changed; every query's output must stay"),  # fmt: skip
        real_keys_share("real_keys_share_all_weight", impl, x["eye"]),
        compare("scaled_by_sqrt_d", weights_of(impl), weights_of(reference), x["eye"], atol=1e-9),
        compare("empty_sequence_gives_zeros", impl, reference, x["empty"], atol=1e-6),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
        *verifier_checks("padding_mask", seed, keep=lambda n: n != "unmasked_leak_into_real_tokens",
                         attention=attention(impl)),
    ]


def informative(seed: int = 0) -> list:
    x = inputs(seed)
    base, moved = x["base"], x["moved"]
    q, k, v, lengths = base["q"], base["k"], base["v"], base["lengths"]
    scores = q @ k.transpose(-2, -1) / 8**0.5  # (B, H, T, S)
    real = torch.arange(7) < lengths[:, None]
    plain = torch.softmax(scores, -1) @ v
    off_by_one = torch.softmax(scores.masked_fill(~(torch.arange(7) <= lengths[:, None])[:, None, None, :],
                                                  float("-inf")), -1) @ v  # fmt: skip
    ref = reference(**base)
    weights = torch.softmax(scores.masked_fill(~real[:, None, None, :], float("-inf")), -1)
    e = x["eye"][1].args
    eye_ref = weights_of(reference)(**e)
    last_dropped = weights_of(reference)(**{**e, "lengths": e["lengths"] - 1})  # lengths 5, 2, 0 instead of 6, 3, 1
    lens = [c.args["lengths"] for c in cases(seed)]
    return [
        differs("padding_moves_unmasked_output", torch.softmax(moved["q"] @ moved["k"].transpose(-2, -1) / 8**0.5, -1)
                @ moved["v"], plain, 1e-2),  # fmt: skip
        differs("padding_moves_output_off_by_one", reference(**{**moved, "lengths": lengths + 1}),
                reference(**{**base, "lengths": lengths + 1}), 1e-2),  # fmt: skip
        differs("off_by_one_moves_output", off_by_one, ref, 1e-2),
        differs("dropping_the_last_real_key_moves_weights", last_dropped, eye_ref, 1e-2),
        not_one_hot("no_attention_row_is_one_hot", weights[1:2]),  # sequence 1: 4 real keys
        check_true("lengths_1_and_s_and_t_neq_s_present",
                   any(bool((t == 1).any()) for t in lens) and any(c.args["q"].shape[-2] != c.args["k"].shape[-2]
                                                                   for c in cases(seed))),  # fmt: skip
        check_true("empty_sequence_present", bool((x["empty"][0].args["lengths"] == 0).any())),
    ]
