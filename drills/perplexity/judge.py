"""Judge for the perplexity drill: a scalar, inputs untouched, the one-token shift, exp of the mean NLL in
nats, exactly V on uniform logits, token-weighted pooling over the batch, padding (judged on the target
side) ignored, finite on huge logits; the reference is checked against F.cross_entropy in informative()."""

import math

import torch
import torch.nn.functional as F
from _judge import (
    Case,
    all_finite,
    check_true,
    compare,
    differs,
    generator,
    inputs_unchanged,
    randn,
    same_shape_and_dtype,
    sibling,
    unchanged_by,
)

reference = sibling(__file__, "reference").perplexity


def batch(g, b, t, v, dtype=torch.float64, lengths=None, scale=2.0):
    logits = randn(g, b, t, v, dtype=dtype, scale=scale)
    tokens = torch.randint(v, (b, t), generator=g)
    args = {"logits": logits, "tokens": tokens}
    if lengths is not None:
        args["mask"] = torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]  # right padding
    return Case(args)


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [batch(g, 1, 5, 7), batch(g, 2, 6, 5, torch.float32), batch(g, 3, 7, 11, lengths=[7, 4, 2]),
            batch(g, 2, 2, 3, torch.float32), batch(g, 4, 5, 6, lengths=[5, 5, 3, 2])]


def run(impl, seed: int = 0) -> list:
    g = generator(seed + 6)
    all_cases = cases(seed)
    single = batch(g, 1, 6, 5)
    uneven = batch(g, 2, 8, 6, lengths=[8, 3])
    padded = batch(g, 2, 6, 5, lengths=[6, 3])
    scrambled = dict(padded.args)
    scrambled["logits"] = padded.args["logits"].clone()
    scrambled["tokens"] = padded.args["tokens"].clone()
    scrambled["logits"][1, 3:] = randn(g, 3, 5, scale=10.0)  # positions 3.. of sequence 1 are padding
    scrambled["tokens"][1, 3:] = torch.randint(5, (3,), generator=g)
    uniform = [Case({"logits": torch.zeros(2, 5, v, dtype=torch.float64), "tokens": torch.randint(v, (2, 5), generator=g)})
               for v in (7, 50)]
    huge = Case({"logits": randn(g, 2, 4, 6, dtype=torch.float32) + 1e4, "tokens": torch.randint(6, (2, 4), generator=g)})
    return [
        same_shape_and_dtype("returns_scalar", impl, [(c, (), c.args["logits"].dtype) for c in all_cases]),
        inputs_unchanged("inputs_not_modified", impl, all_cases[2]),
        compare("predicts_next_token", impl, reference, [single], atol=1e-9, rtol=1e-9),
        compare("exp_of_mean_nll", impl, reference, [single, all_cases[1]], atol=1e-9, rtol=1e-5),
        compare("uniform_logits_give_vocab_size", impl, reference, uniform, atol=1e-9, rtol=1e-9),
        compare("token_weighted_over_batch", impl, reference, [uneven], atol=1e-9, rtol=1e-9),
        compare("padding_ignored", impl, reference, [padded], atol=1e-9, rtol=1e-9),
        unchanged_by("padding_contents_do_not_matter", impl, padded, Case(scrambled), atol=1e-9),
        all_finite("finite_on_extreme_logits", impl, [huge]),
        compare("matches_reference", impl, reference, all_cases + [huge], atol=1e-6, rtol=1e-5),
    ]


def informative(seed: int = 0) -> list:
    g = generator(seed + 6)
    single = batch(g, 1, 6, 5)
    uneven = batch(g, 2, 8, 6, lengths=[8, 3]).args
    lp = torch.log_softmax(uneven["logits"][:, :-1], -1)
    nll = -lp.gather(-1, uneven["tokens"][:, 1:, None]).squeeze(-1)
    m = uneven["mask"][:, 1:].double()
    per_seq = torch.exp((nll * m).sum(1) / m.sum(1)).mean()
    s = single.args
    ce = torch.exp(F.cross_entropy(s["logits"][0, :-1], s["tokens"][0, 1:]))
    no_shift = torch.exp(-torch.log_softmax(s["logits"], -1).gather(-1, s["tokens"][..., None]).mean())
    return [
        check_true("reference_equals_exp_cross_entropy", abs(float(reference(**s)) - float(ce)) < 1e-10),
        differs("per_sequence_mean_differs", per_seq, reference(**uneven), 1e-2),
        differs("unshifted_differs", no_shift, reference(**s), 1e-2),
        differs("base_two_differs", torch.tensor(2 ** math.log(float(reference(**s)))), reference(**s), 1e-2),
        check_true("sequences_have_different_lengths", int(uneven["mask"].sum(1).unique().numel()) > 1),
    ]
