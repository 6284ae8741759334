"""Judge for the SwiGLU FFN drill: the gate and up branches are multiplied (a zero up projection gives 0),
silu(0) = 0 closes the unit when the gate projection is 0 (sigmoid would not), the output is linear in the up
projection (silu on the gate only: catches swapped branches and silu on both), the activation is silu and not
gelu, several shapes (batch dims, one token, d_ff != d, float32)."""

import torch
from _judge import (
    Case,
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

reference = sibling(__file__, "reference").swiglu_ffn


def ffn(g, *lead, d, d_ff, dtype=torch.float64):
    """x and three independent weights: the gate x w1ᵀ spreads over about [-4, 4], where silu, gelu and
    sigmoid all differ, and gate != up."""
    return {"x": randn(g, *lead, d, dtype=dtype),
            "w1": randn(g, d_ff, d, dtype=dtype, scale=1.6 / d**0.5),  # gate
            "w2": randn(g, d, d_ff, dtype=dtype, scale=d_ff**-0.5),  # down
            "w3": randn(g, d_ff, d, dtype=dtype, scale=d**-0.5)}  # up  # fmt: skip


def cases(seed: int) -> list[Case]:
    g = generator(seed)
    return [Case(ffn(g, 5, d=8, d_ff=12)), Case(ffn(g, 2, 3, d=6, d_ff=16, dtype=torch.float32)),
            Case(ffn(g, 1, d=4, d_ff=4)), Case(ffn(g, 2, 1, 3, d=8, d_ff=20)),
            Case(ffn(g, 3, 4, d=5, d_ff=7, dtype=torch.float32))]  # fmt: skip


def inputs(seed: int) -> dict:
    g = generator(seed + 2)
    no_up = ffn(g, 2, 3, d=6, d_ff=10)
    no_up["w3"] = torch.zeros_like(no_up["w3"])
    no_gate = ffn(g, 2, 3, d=6, d_ff=10)
    no_gate["w1"] = torch.zeros_like(no_gate["w1"])
    return {"no_up": no_up, "no_gate": no_gate, "linear": ffn(g, 2, 4, d=8, d_ff=12), "act": ffn(g, 3, 5, d=8, d_ff=12)}


def up_scaled(impl):
    """impl with the up projection multiplied by c, divided back by c: equal to impl when the up branch is linear."""

    def f(x, w1, w2, w3, c=1.0):
        return impl(x, w1, w2, c * w3) / c

    return f


def run(impl, seed: int = 0) -> list:
    all_cases = cases(seed)
    x = inputs(seed)
    return [
        same_shape_and_dtype("shape_and_dtype_kept", impl,
                             [(c, tuple(c.args["x"].shape), c.args["x"].dtype) for c in all_cases]),
        inputs_unchanged("input_not_modified", impl, all_cases[1]),
        compare("gate_times_up", impl, reference, [Case(x["no_up"])], atol=1e-12,
                note="w3 = 0: the up branch is 0, so the product and the output are 0"),
        compare("zero_gate_closes_unit", impl, reference, [Case(x["no_gate"])], atol=1e-12,
                note="w1 = 0: silu(0) = 0, so the output is 0"),
        unchanged_by("silu_on_gate_only", up_scaled(impl), Case(x["linear"], {"c": 1.0}), Case(x["linear"], {"c": -2.0}),
                     atol=1e-9, note="multiplying w3 by -2 must multiply the output by -2"),  # fmt: skip
        compare("activation_is_silu", impl, reference, [Case(x["act"])], atol=1e-9),
        compare("matches_reference", impl, reference, all_cases, atol=1e-5, rtol=1e-4),
    ]


def informative(seed: int = 0) -> list:
    x = inputs(seed)
    a, lin, nu, ng = x["act"], x["linear"], x["no_up"], x["no_gate"]
    F = torch.nn.functional
    gate, up = a["x"] @ a["w1"].T, a["x"] @ a["w3"].T
    ref = reference(**a)
    lg, lu = lin["x"] @ lin["w1"].T, lin["x"] @ lin["w3"].T
    return [
        differs("gate_differs_from_up", gate, up, 0.5),
        differs("swapped_branches_move_output", (F.silu(lu) * lg) @ lin["w2"].T, reference(**lin), 1e-3),
        differs("silu_on_both_moves_output", (F.silu(lg) * F.silu(lu)) @ lin["w2"].T, reference(**lin), 1e-3),
        differs("gelu_moves_output", (F.gelu(gate) * up) @ a["w2"].T, ref, 1e-3),
        differs("sum_is_not_zero_without_up", (F.silu(nu["x"] @ nu["w1"].T) + 0) @ nu["w2"].T,
                torch.zeros(1, dtype=torch.float64), 1e-2),  # fmt: skip
        differs("sigmoid_is_not_zero_without_gate", (0.5 * (ng["x"] @ ng["w3"].T)) @ ng["w2"].T,
                torch.zeros(1, dtype=torch.float64), 1e-2),  # fmt: skip
        check_true("gate_spans_both_signs", bool(gate.min() < -1.5) and bool(gate.max() > 1.5)),
        check_true("d_ff_differs_from_d_and_both_dtypes", any(c.args["w1"].shape[0] != c.args["w1"].shape[1]
                                                              for c in cases(seed))
                   and {c.args["x"].dtype for c in cases(seed)} == {torch.float32, torch.float64}),  # fmt: skip
    ]
