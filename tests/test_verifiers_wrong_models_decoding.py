"""The models/decoding verifiers must catch wrong implementations, and pass with the right ones.

Each case feeds a verifier a deliberately wrong implementation through its keyword argument (the
posts' FFN with a second ReLU, GELU replaced by ReLU, greedy search passed off as beam search, a
top-p filter that stops below p, a vanilla RNN in place of the LSTM, ...) and asserts that at least
one check fails. The same verifiers with their defaults pass for seeds 0, 1 and 2 (test_verifiers.py).
"""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from quiz import verify

OURS = [
    "gelu", "swiglu_params", "ffn_structure", "greedy_vs_beam", "sampling_temperature", "top_k_top_p",
    "llama_params", "bert_params", "train_compute", "moe_params", "tokens_per_word", "bpe_merges",
    "rnn_vanishing", "residual_layer_skip", "emergence_arithmetic", "quantization_error", "distillation_loss",
]


# --- wrong implementations -----------------------------------------------------------------------


def ffn_two_relus(x, w1, b1, w2, b2):
    """The formula that circulates: ReLU(W2·ReLU(W1·x + b1) + b2)."""
    return F.relu(F.relu(x @ w1.T + b1) @ w2.T + b2)


def ffn_no_activation(x, w1, b1, w2, b2):
    return (x @ w1.T + b1) @ w2.T + b2


def greedy_as_beam(next_probs, length, width):
    del width  # ignores the beam: this is greedy decoding
    mod = verify.load("greedy_vs_beam")
    return mod.greedy(next_probs, length)


def top_p_below_p(probs, p):
    """Keeps tokens only while the running total (including the token) is below p: mass < p."""
    sorted_p, order = probs.sort(dim=-1, descending=True)
    keep_sorted = sorted_p.cumsum(-1) < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)


def top_k_no_renormalise(probs, k):
    kth = probs.topk(k, dim=-1).values[..., -1:]
    return torch.where(probs >= kth, probs, torch.zeros_like(probs))


def rnn_as_lstm(input_size, hidden, forget_bias=1.0):
    del forget_bias
    return nn.RNN(input_size, hidden).double()


def quantize_floor(x):
    scale = x.abs().max() / 127
    return torch.floor(x / scale).clamp(-127, 127).to(torch.int8), scale


def distill_without_t2(s, t, T):
    return verify.load("distillation_loss").soft_kl(s, t, T)


def no_residual(block, x):
    return verify.load("residual_layer_skip").no_residual_block(block, x)


def bpe_unweighted(corpus, n_merges):
    """Counts each pair once per word type, ignoring how often the word occurs."""
    return verify.load("bpe_merges").learn_bpe({w: 1 for w in corpus}, n_merges)


def llama_without_head(vocab, d_model, n_layers, d_ff, tied=0):
    per_layer = 4 * d_model * d_model + 3 * d_model * d_ff + 2 * d_model
    return vocab * d_model + n_layers * per_layer + d_model


WRONG = [
    ("ffn_structure", {"ffn": ffn_two_relus}),
    ("ffn_structure", {"ffn": ffn_no_activation}),
    ("gelu", {"gelu": F.relu}),
    ("gelu", {"gelu": lambda x: x * torch.sigmoid(x)}),  # SiLU is not GELU
    ("greedy_vs_beam", {"decode": greedy_as_beam}),
    ("top_k_top_p", {"top_p": top_p_below_p}),
    ("top_k_top_p", {"top_k": top_k_no_renormalise}),
    ("sampling_temperature", {"probs": lambda z, T: torch.softmax(z * T, -1)}),
    ("rnn_vanishing", {"make_lstm": rnn_as_lstm}),
    ("swiglu_params", {"hidden": lambda d_model: 4 * d_model}),
    ("llama_params", {"count": llama_without_head}),
    ("train_compute", {"flops": lambda n_params, n_tokens: 2 * n_params * n_tokens}),
    ("moe_params", {"active": lambda shared, expert, n_experts, top_k: shared + n_experts * expert}),
    ("bpe_merges", {"learn": bpe_unweighted}),
    ("residual_layer_skip", {"block_fn": no_residual}),
    ("emergence_arithmetic", {"success": lambda p_step, steps: p_step}),  # "as easy as one step"
    ("quantization_error", {"quantize": quantize_floor}),
    ("distillation_loss", {"loss_fn": distill_without_t2}),
    ("tokens_per_word", {"convert": lambda n_words, tokens_per_word: n_words * 0.75}),
]


@pytest.mark.parametrize(("name", "kwargs"), WRONG, ids=[f"{n}-{'-'.join(k)}" for n, k in WRONG])
def test_wrong_implementation_fails(name, kwargs):
    checks = verify.load(name).run(seed=0, **kwargs)
    failed = [c.name for c in checks if not c.passed]
    assert failed, f"{name} accepted a wrong implementation {kwargs}"


def test_two_relu_ffn_fails_for_the_right_reason():
    """The posts' FFN cannot output negative numbers: exactly that check must fail."""
    checks = {c.name: c for c in verify.load("ffn_structure").run(seed=0, ffn=ffn_two_relus)}
    assert checks["negative_output_fraction"].measured == 0.0
    assert not checks["matches_linear_relu_linear"].passed


def test_greedy_finds_the_less_probable_sequence():
    checks = {c.name: c for c in verify.load("greedy_vs_beam").run(seed=0, decode=greedy_as_beam)}
    assert checks["beam2_example_prob"].measured == pytest.approx(0.2)
    assert not checks["beam2_example_prob"].passed


def test_top_p_below_p_keeps_too_little_mass():
    checks = {c.name: c for c in verify.load("top_k_top_p").run(seed=0, top_p=top_p_below_p)}
    assert checks["hand_nucleus_size"].measured == 2  # 0.5 + 0.2 = 0.7 < 0.8
    assert checks["top_p_sets_below_p"].measured > 0
