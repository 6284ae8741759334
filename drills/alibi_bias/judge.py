"""Judge for the ALiBi drill: shape and dtype, the future at -inf and the diagonal at 0, a penalty growing
with distance, the power-of-two slopes 2^(-8h/n), the paper's rule for other head counts; informative()
checks the reference against the slopes written out by hand."""

import torch
from _judge import (
    Case,
    check_true,
    compare,
    failed,
    passed,
    same_shape_and_dtype,
    sibling,
)

reference = sibling(__file__, "reference").alibi_bias


def finite_part(fn):
    """The bias with -inf replaced by a sentinel, so the toolkit's comparison sees the mask too."""

    def f(n_heads, seq_len):
        out = fn(n_heads, seq_len)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"returned {type(out).__name__}, expected a torch.Tensor")
        return torch.where(torch.isneginf(out), torch.full_like(out, -1e9), out)

    return f


def future_masked(name, impl):
    for n, t in ((4, 5), (2, 1), (8, 7)):
        try:
            out = Case({"n_heads": n, "seq_len": t}).call(impl)
        except Exception as exc:  # noqa: BLE001  (Failed with the learner's error)
            return failed(name, str(exc))
        above = torch.ones(t, t, dtype=torch.bool).triu(1)
        if out.shape != (n, t, t):
            return failed(name, f"shape {tuple(out.shape)}")
        if not bool(torch.isneginf(out[:, above]).all()):
            return failed(name, f"n_heads={n}, seq_len={t}: some keys after the query are not -inf")
        if not bool((out.diagonal(dim1=1, dim2=2) == 0).all()):
            return failed(name, f"n_heads={n}, seq_len={t}: the diagonal is not 0")
    return passed(name)


def penalises_distance(name, impl):
    try:
        out = Case({"n_heads": 4, "seq_len": 6}).call(impl)
    except Exception as exc:  # noqa: BLE001
        return failed(name, str(exc))
    below = out[:, 5, :5]  # last query, keys 0..4: distances 5..1
    if not bool(torch.isfinite(below).all()) or not bool((below < 0).all()):
        return failed(name, "the bias for past keys must be negative")
    if not bool((below[:, 1:] > below[:, :-1]).all()):
        return failed(name, "the penalty must grow with distance (key 0 gets the most negative bias)")
    return passed(name)


def run(impl, seed: int = 0) -> list:
    f, r = finite_part(impl), finite_part(reference)
    return [
        same_shape_and_dtype("shape_and_dtype", impl, [(Case({"n_heads": n, "seq_len": t}), (n, t, t), torch.float64)
                                                      for n, t in ((8, 5), (12, 3), (1, 1), (6, 4))]),
        future_masked("future_masked", impl),
        penalises_distance("penalises_distance", impl),
        compare("slopes_power_of_two", f, r, [Case({"n_heads": n, "seq_len": 4}) for n in (1, 2, 8, 16)], atol=1e-15),
        compare("slopes_not_power_of_two", f, r, [Case({"n_heads": n, "seq_len": 4}) for n in (3, 6, 12, 24)], atol=1e-15),
        compare("matches_reference", f, r, [Case({"n_heads": n, "seq_len": t}) for n, t in ((4, 3), (8, 9), (5, 6))],
                atol=1e-12),
    ]


def informative(seed: int = 0) -> list:
    b8 = reference(8, 2)[:, 1, 0]
    b12 = reference(12, 2)[:, 1, 0]
    hand8 = -torch.tensor([1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256], dtype=torch.float64)
    hand12 = torch.cat([hand8, -torch.tensor([2**-0.5, 2**-1.5, 2**-2.5, 2**-3.5], dtype=torch.float64)])
    naive12 = -torch.tensor([2 ** (-8 * h / 12) for h in range(1, 13)], dtype=torch.float64)
    return [
        check_true("eight_head_slopes_by_hand", bool((b8 - hand8).abs().max() < 1e-15)),
        check_true("twelve_head_slopes_by_hand", bool((b12 - hand12).abs().max() < 1e-15)),
        check_true("naive_twelve_head_slopes_differ", bool((naive12 - hand12).abs().max() > 1e-3)),
    ]
