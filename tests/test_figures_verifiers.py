"""Every verifier figure proves its point: drawn from the correct implementation and from a wrong one, the
property the figure shows differs (mass above the diagonal, a log-log slope, a peak, a spread ...).

Each test also draws both figures in the terminal at 80 columns, so a figure that cannot be drawn fails.
"""

import json
import math

import torch
import torch.nn.functional as F
from rich.console import Console

from quiz import figures, verify

K = verify.kit()


def figs(name: str, **impl) -> dict:
    """{figure id: Figure} from verifiers/<name>.py, drawn once in the terminal as a smoke check."""
    out = {f.id: f for f in verify.load(name).figures(seed=0, **impl)}
    console = Console(width=80, record=True, color_system="truecolor", force_terminal=True)
    for f in out.values():
        console.print(figures.render(f))
        json.dumps(K.figure_dict(f), allow_nan=False)  # plain JSON, no NaN/inf
    assert all(len(line) <= 80 for line in console.export_text().splitlines())
    return out


def above_diagonal(m) -> float:
    return sum(v for i, row in enumerate(m) for j, v in enumerate(row) if j > i and v is not None)


def curve(fig, name):
    s = next(s for s in fig.series if s.name == name)
    return dict(zip(s.x, s.y, strict=True))


def test_fifteen_verifiers_have_figures():
    have = [n for n in verify.names() if verify.has_figures(n)]
    assert len(have) >= 15, have


# --- masks and attention weights -------------------------------------------------------------------------


def causal_mask_removed(q, k, v, causal=True):
    return (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5).softmax(-1) @ v


def test_causal_weights_have_no_mass_above_the_diagonal_unless_the_mask_is_missing():
    ok = figs("lookahead_mask")
    assert above_diagonal(ok["weights_causal"].matrix) == 0.0
    assert sum(v is None for row in ok["weights_causal"].matrix for v in row) == 28  # 8·7/2 cells shown as ·
    assert above_diagonal(ok["weights_unmasked"].matrix) > 1.0  # the control leaks
    wrong = figs("lookahead_mask", attention=causal_mask_removed)
    assert above_diagonal(wrong["weights_causal"].matrix) > 1.0


def padding_not_masked(q, k, v, key_padding_mask=None):
    return (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5).softmax(-1) @ v


def test_padding_columns_are_masked_only_with_a_padding_mask():
    ok = figs("padding_mask")
    assert [sum(v is not None for v in row) for row in ok["key_padding_mask"].matrix] == [8, 5, 2]
    w = ok["weights_length5"].matrix
    assert all(row[j] is None for row in w for j in (5, 6, 7))
    assert all(abs(sum(v for v in row if v is not None) - 1) < 1e-12 for row in w)
    wrong = figs("padding_mask", attention=padding_not_masked)["weights_length5"].matrix
    assert sum(row[j] for row in wrong for j in (5, 6, 7)) > 0.5


def test_prefix_mask_is_bidirectional_only_inside_the_prefix():
    mask = figs("prefix_lm_mask")["mask_T10_P4"].matrix
    allowed_above = [(i, j) for i, row in enumerate(mask) for j, v in enumerate(row) if j > i and v is not None]
    assert allowed_above == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]  # P(P-1)/2 = 6, all in the prefix
    causal = figs("prefix_lm_mask", make_mask=lambda T, P: torch.ones(T, T, dtype=torch.bool).tril())
    assert above_diagonal(causal["mask_T10_P4"].matrix) == 0


def masks_with_causal_encoder(T, P):
    m = verify.load("architecture_masks").make_masks(T, P)
    m["encoder"] = m["causal_decoder"]
    return m


def test_dependency_maps_count_the_allowed_pairs():
    def count(fs):
        return {k: sum(v is not None for row in f.matrix for v in row) for k, f in fs.items()}

    assert count(figs("architecture_masks")) == {"dependency_encoder": 49, "dependency_causal_decoder": 28,
                                                  "dependency_prefix_decoder": 31}  # fmt: skip
    assert count(figs("architecture_masks", make_masks=masks_with_causal_encoder))["dependency_encoder"] == 28


# --- scaling, entropy, rank --------------------------------------------------------------------------------


def test_var_qk_log_log_slope_is_one_unscaled_and_zero_scaled():
    f = figs("attention_scaling")["var_vs_dk"]
    raw, scaled = f.series
    assert f.x.log and f.y.log
    assert abs(K.log_slope(raw.x, raw.y) - 1) <= 0.05
    assert abs(K.log_slope(scaled.x, scaled.y)) <= 0.05

    def unscaled(q, k, scale):
        return (q * k).sum(-1)

    def by_d_k(q, k, scale):
        return (q * k).sum(-1) / (q.shape[-1] if scale else 1)

    _, wrong = figs("attention_scaling", scale_fn=unscaled)["var_vs_dk"].series
    assert abs(K.log_slope(wrong.x, wrong.y) - 1) <= 0.05
    _, wrong = figs("attention_scaling", scale_fn=by_d_k)["var_vs_dk"].series
    assert abs(K.log_slope(wrong.x, wrong.y) + 1) <= 0.05


def test_scaled_softmax_entropy_stays_flat_while_unscaled_collapses():
    f = figs("softmax_saturation")["entropy_vs_dk"]
    raw, scaled = curve(f, "unscaled"), curve(f, "scaled")
    target = math.log(128) - 0.5
    assert max(abs(v - target) for v in scaled.values()) < 0.1
    assert raw[1024] < 0.1 * math.log(128) < raw[2]
    wrong = curve(figs("softmax_saturation", scale_fn=lambda q, k: q @ k.transpose(-2, -1))["entropy_vs_dk"],
                  "scaled")
    assert wrong[1024] < 0.1 * math.log(128)


def test_causal_and_bidirectional_spectra_differ_only_with_the_mask():
    f = figs("causal_rank")["singular_values"]
    causal, bi = curve(f, "causal"), curve(f, "bidirectional")
    assert len(causal) == 32 and min(causal.values()) > 0
    assert max(abs(causal[i] - bi[i]) / bi[i] for i in causal) > 0.1

    def unmasked(q, k):
        return (q @ k.T / q.shape[-1] ** 0.5).softmax(-1)

    f = figs("causal_rank", attention_weights=unmasked)["singular_values"]
    causal, bi = curve(f, "causal"), curve(f, "bidirectional")
    assert max(abs(causal[i] - bi[i]) for i in causal) < 1e-12


# --- training ------------------------------------------------------------------------------------------------


def test_post_ln_gradient_rises_by_layer_and_pre_ln_stays_even():
    f = figs("pre_post_ln_gradients")["decoder_grad_by_layer"]
    post, pre = (list(s.y) for s in f.series)
    assert f.categories == ("1", "2", "3", "4", "5", "6")
    assert post[-1] / post[0] >= 2.5 and max(pre) / min(pre) <= 2.5

    def ln(x):
        return F.layer_norm(x, x.shape[-1:])

    def pre_ln_as_post(x, sublayer):  # the "Post-LN" bars drawn from a Pre-LN block
        return x + sublayer(ln(x))

    f = figs("pre_post_ln_gradients", post_ln=pre_ln_as_post)["decoder_grad_by_layer"]
    post = list(f.series[0].y)
    assert post[-1] / post[0] < 2.5


def noam_wrong_warmup_power(step, d_model, warmup):
    return d_model**-0.5 * min(step**-0.5, step * warmup**-1.0)


def test_noam_peaks_at_the_end_of_warmup_beside_warmup_cosine():
    f = figs("noam_schedule")["schedules"]
    noam, cosine = curve(f, "Noam"), curve(f, "warm-up + cosine")
    assert max(noam, key=noam.get) == 4000 and max(cosine, key=cosine.get) == 4000
    assert noam[4000] == cosine[4000] and cosine[20000] < 1e-20 and noam[16000] / noam[4000] == 0.5
    wrong = curve(figs("noam_schedule", noam=noam_wrong_warmup_power)["schedules"], "Noam")
    assert max(wrong, key=wrong.get) != 4000


def adam_without_bias_correction(p, grad, m, v, t, lr):
    m = 0.9 * m + 0.1 * grad
    v = 0.999 * v + 0.001 * grad * grad
    return p - lr * m / (v.sqrt() + 1e-8), m, v


def test_adam_first_steps_are_large_and_warmup_shrinks_them():
    f = figs("warmup_adam")["step_rms"]
    const, warm = curve(f, "constant lr"), curve(f, "linear warm-up 100")
    assert abs(const[1] - 1) < 1e-3 and abs(const[300] - 0.229) < 0.03
    assert abs(warm[1] - 0.01) < 1e-4
    wrong = curve(figs("warmup_adam", adam_step=adam_without_bias_correction)["step_rms"], "constant lr")
    assert wrong[1] > 3  # 0.1 / sqrt(0.001) = 3.16 lr without bias correction


# --- activations and positions ------------------------------------------------------------------------------


def test_gelu_dips_below_zero_and_tanh_stays_close():
    fs = figs("gelu")
    assert min(fs["gelu_curves"].series[0].y) < -0.16
    assert max(fs["tanh_gap"].series[0].y) <= 5e-4
    relu = figs("gelu", gelu=lambda x: x.clamp_min(0))
    assert min(relu["gelu_curves"].series[0].y) == 0
    sigmoid = figs("gelu", gelu=lambda x: x * torch.sigmoid(1.702 * x))
    assert max(sigmoid["tanh_gap"].series[0].y) > 0.01


def rope_added_not_rotated(x, positions):
    d = x.shape[-1]
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = positions.to(torch.float64)[:, None] * w
    return x + torch.stack([angle.sin(), angle.cos()], dim=-1).flatten(-2)


def diagonal_spread(m) -> float:
    T = len(m)
    return max(max(diag) - min(diag) for o in range(-T + 1, T)
               for diag in [[m[i][i + o] for i in range(T) if 0 <= i + o < T]])  # fmt: skip


def test_rope_scores_are_constant_along_diagonals():
    assert diagonal_spread(figs("rope")["scores_by_position"].matrix) < 1e-9
    assert diagonal_spread(figs("rope", rope=rope_added_not_rotated)["scores_by_position"].matrix) > 1e-2


def test_alibi_slopes_halve_per_head():
    fs = figs("alibi_slopes")
    slopes = fs["slopes_8_heads"].series[0].y
    assert [math.log2(s) for s in slopes] == [-1, -2, -3, -4, -5, -6, -7, -8]
    bias = fs["bias_head1"].matrix
    assert [row[0] for row in bias] == [-i / 2 for i in range(8)] and above_diagonal(bias) == 0
    wrong = figs("alibi_slopes", alibi_slopes=lambda n: [2 ** (-h / n) for h in range(1, n + 1)])
    assert [round(math.log2(s), 3) for s in wrong["slopes_8_heads"].series[0].y][:2] == [-0.125, -0.25]


def test_kv_cache_grows_linearly_to_2_gib_at_4096_tokens():
    f = figs("kv_cache_memory")["cache_vs_length"]
    mha, gqa = (curve(f, s.name) for s in f.series)
    assert mha[4096] == 2.0 and mha[32768] == 16.0 and gqa[4096] == 0.5

    def without_values(n_layers, n_kv_heads, head_dim, seq_len, batch=1, bytes_per_value=2):
        return n_layers * n_kv_heads * head_dim * seq_len * batch * bytes_per_value

    assert curve(figs("kv_cache_memory", cache_bytes=without_values)["cache_vs_length"], f.series[0].name)[4096] == 1.0


def test_emergence_curve_is_p_to_the_k():
    f = figs("emergence_arithmetic")["success_vs_step"]
    k5 = curve(f, "k = 5")
    assert abs(k5[0.4] - 0.01024) < 1e-15 and abs(k5[0.6] - 0.07776) < 1e-15
    wrong = curve(figs("emergence_arithmetic", success=lambda p_step, steps: p_step ** (steps - 1))["success_vs_step"],
                  "k = 5")
    assert abs(wrong[0.4] - 0.01024) > 0.01


def test_hotter_sampling_has_more_entropy():
    fs = figs("sampling_temperature")
    H = fs["entropy_vs_temperature"].series[0].y
    assert all(b >= a - 1e-12 for a, b in zip(H, H[1:], strict=False)) and H[0] < 0.01 and H[-1] > math.log(50) - 0.01
    top = {s.name: s.y for s in fs["top10_by_temperature"].series}
    assert top["T = 0.5"][0] > top["T = 1"][0] > top["T = 2"][0]

    def ignores_temperature(logits, T):
        return torch.softmax(logits, dim=-1)

    H = figs("sampling_temperature", probs=ignores_temperature)["entropy_vs_temperature"].series[0].y
    assert max(H) - min(H) == 0


def test_bidirectional_spectrum_decays_faster_than_unstructured():
    fs = figs("bidirectional_low_rank")
    assert sum(v is None for row in fs["weights"].matrix for v in row) == 0  # nothing masked
    ours, ref = (s.y for s in fs["singular_values"].series)

    def energy(s, r=8):
        return sum(v * v for v in s[:r]) / sum(v * v for v in s)

    assert energy(ours) > energy(ref) + 0.1 and min(ours) > 0

    def random_logits(q, k):  # logits with no QKᵀ structure: the spectrum looks like the reference
        return torch.randn(q.shape[0], k.shape[0], generator=torch.Generator().manual_seed(5), dtype=torch.float64)

    ours, ref = (s.y for s in figs("bidirectional_low_rank", scores=random_logits)["singular_values"].series)
    assert abs(energy(ours) - energy(ref)) < 0.05
