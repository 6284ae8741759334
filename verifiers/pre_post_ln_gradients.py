"""At initialization, in a 6-6 encoder-decoder Transformer (Xavier init, d=128, 4 heads, tied-embedding
next-token loss) the Post-LN decoder's FFN W2 gradient grows from the first layer to the last (last/first
>= 2.5), while Pre-LN's stays within a factor 2.5 across layers (Xiong et al. 2020, Figure 3). And in a
narrow stack made 2 then 32 layers deep, Post-LN's last-layer gradient does not shrink with depth while
Pre-LN's shrinks like 1/sqrt(L), because its final LayerNorm divides by a residual stream whose rms
grows like sqrt(L) (Theorem 1); that stack's first Pre-LN layer also gets at least 2x its last.

Post-LN, x = LN(x + F(x)), renormalises the stream after every sublayer; Pre-LN,
x = x + F(LN(x)), lets the stream grow by one branch output per sublayer and normalises
only at the end. Where Post-LN's profile comes from: backpropagating through LN(x + F(x))
divides the gradient by the rms of x + F(x), and F's own Jacobian gives about as much back,
for self-attention and the FFN. The decoder's cross-attention adds variance (from the encoder)
but passes almost no gradient back to the decoder stream, so each decoder layer loses about
1/sqrt(2) (the mean profile here rises 1.35-1.46x per layer; Liu et al. 2020, "Understanding the
Difficulty of Training Transformers", trace Post-LN's gradient vanishing to the decoder). A decoder-only
LM has no cross-attention: its Post-LN profile is flat (measured at d=128: last/first 0.7-1.3 over
seeds 0-9) and is not claimed here. Pre-LN's
profile is not perfectly flat either: lower layers get somewhat more (NormFormer,
Shleifer et al. 2021, reports the same mismatch).
"""

import math
from functools import partial

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, check_at_most, main

D, B, T, V = 32, 4, 8, 64  # Theorem 1 stack: width, batch, sequence length, readout classes
D6, H6, B6, T6, V6 = 128, 4, 4, 16, 512  # Figure 3 model: width, heads, batch, length, vocabulary


def ln(x: torch.Tensor) -> torch.Tensor:
    return F.layer_norm(x, x.shape[-1:])


def post_ln(x, sublayer):
    return ln(x + sublayer(x))  # normalise after the residual add


def pre_ln(x, sublayer):
    return x + sublayer(ln(x))  # normalise only the branch input; the stream keeps growing


def attention(x, p, heads=1, memory=None, causal=True):
    """(B, T, D) -> (B, T, D): self-attention, or cross-attention to memory (B, S, D) if given."""
    b, t, d = x.shape
    kv = x if memory is None else memory  # (B, S, D)
    s = kv.shape[1]
    q = (x @ p["wq"]).view(b, t, heads, d // heads).transpose(1, 2)  # (B, H, T, D/H)
    k = (kv @ p["wk"]).view(b, s, heads, d // heads).transpose(1, 2)  # (B, H, S, D/H)
    v = (kv @ p["wv"]).view(b, s, heads, d // heads).transpose(1, 2)  # (B, H, S, D/H)
    att = q @ k.transpose(-1, -2) / math.sqrt(d // heads)  # (B, H, T, S)
    if causal:
        att = att.masked_fill(torch.ones(t, s, dtype=torch.bool).triu(1), float("-inf"))
    y = att.softmax(-1) @ v  # (B, H, T, D/H)
    return y.transpose(1, 2).reshape(b, t, d) @ p["wo"]


def ffn(x, p):
    return F.relu(x @ p["w1"]) @ p["w2"]  # (B, T, D)


def xavier(fan_in, fan_out, g):
    return torch.randn(fan_in, fan_out, generator=g, dtype=torch.float64) * math.sqrt(2 / (fan_in + fan_out))


def layer_weights(d, g, cross=False):
    shapes = dict(wq=(d, d), wk=(d, d), wv=(d, d), wo=(d, d), w1=(d, 4 * d), w2=(4 * d, d))
    p = {k: xavier(*s, g) for k, s in shapes.items()}
    if cross:  # the decoder's encoder-attention has its own four matrices
        p["cross"] = {k: xavier(d, d, g) for k in ("wq", "wk", "wv", "wo")}
    p["w2"].requires_grad_()
    return p


# --- Theorem 1: the last layer's gradient as the stack gets deeper ---------------------------------------


def ffn_grad_norms(residual, final_ln: bool, n_layers: int, seed: int):
    """Gradient norm of each layer's W2 at initialization, and the rms of the stream before the head."""
    g = torch.Generator().manual_seed(seed)  # same data, readout and targets for every depth
    x = torch.randn(B, T, D, generator=g, dtype=torch.float64)  # (B, T, D)
    w_out = torch.randn(D, V, generator=g, dtype=torch.float64) / math.sqrt(D)
    y = torch.randint(0, V, (B, T), generator=g)
    layers = [layer_weights(D, g) for _ in range(n_layers)]
    for p in layers:
        x = residual(x, partial(attention, p=p))
        x = residual(x, partial(ffn, p=p))
    stream_rms = x.detach().pow(2).mean().sqrt()
    if final_ln:  # Pre-LN needs a last LayerNorm before the head; Post-LN's output is already normalised
        x = ln(x)
    F.cross_entropy((x @ w_out).reshape(-1, V), y.reshape(-1)).backward()
    return [p["w2"].grad.norm() for p in layers], stream_rms


# --- Figure 3: the layer-by-layer profile in a 6-6 translation model --------------------------------------


def decoder_ffn_grad_norms(residual, final_ln: bool, seed: int, n_layers: int = 6):
    """Gradient norm of each decoder layer's W2 at initialization, for random source and target tokens.
    No positional encoding: it does not change this picture at initialization."""
    g = torch.Generator().manual_seed(seed)
    embed = torch.randn(V6, D6, generator=g, dtype=torch.float64)  # shared by source, target and output
    src = torch.randint(0, V6, (B6, T6), generator=g)
    tgt = torch.randint(0, V6, (B6, T6 + 1), generator=g)  # decoder reads tgt[:, :-1], predicts tgt[:, 1:]
    encoder = [layer_weights(D6, g) for _ in range(n_layers)]
    decoder = [layer_weights(D6, g, cross=True) for _ in range(n_layers)]

    x = embed[src]  # (B, T, D)
    for p in encoder:
        x = residual(x, partial(attention, p=p, heads=H6, causal=False))
        x = residual(x, partial(ffn, p=p))
    memory = ln(x) if final_ln else x  # Pre-LN ends the encoder with a LayerNorm too

    y = embed[tgt[:, :-1]]  # (B, T, D)
    for p in decoder:
        y = residual(y, partial(attention, p=p, heads=H6))
        y = residual(y, partial(attention, p=p["cross"], heads=H6, memory=memory, causal=False))
        y = residual(y, partial(ffn, p=p))
    if final_ln:
        y = ln(y)
    logits = y @ embed.T / math.sqrt(D6)  # (B, T, V): tied output projection
    F.cross_entropy(logits.reshape(-1, V6), tgt[:, 1:].reshape(-1)).backward()
    return [p["w2"].grad.norm() for p in decoder]


def run(seed: int = 0, post_ln=post_ln, pre_ln=pre_ln) -> list:
    post6 = decoder_ffn_grad_norms(post_ln, False, seed)
    pre6 = decoder_ffn_grad_norms(pre_ln, True, seed)

    shallow, deep = 2, 32
    post_s, _ = ffn_grad_norms(post_ln, False, shallow, seed)
    post_d, post_rms = ffn_grad_norms(post_ln, False, deep, seed)
    pre_s, pre_rms_s = ffn_grad_norms(pre_ln, True, shallow, seed)
    pre_d, pre_rms_d = ffn_grad_norms(pre_ln, True, deep, seed)

    # Over seeds 0-29: Post-LN decoder last/first 3.4-8.6 (rising at every layer in 29 seeds of 30; the
    # mean profile 0.21 0.30 0.43 0.62 0.87 1.17), Pre-LN decoder max/min 1.5-1.9 (0.64 ... 0.39: the
    # lower layers get a little more).
    # Theorem 1 gives orders, not constants. Over seeds 0-29: stream rms ratio 3.3-4.4, Pre-LN
    # last-layer ratio 0.22-0.40, Post-LN 0.89-1.69, Pre-LN first/last layer 2.7-8.2.
    return [
        check_at_least("post_decoder_last_over_first", 2.5, post6[-1] / post6[0],
                       note="6-6 model: Post-LN gradient rises toward the output"),
        check_at_most("pre_decoder_max_over_min", 2.5, max(pre6) / min(pre6),
                      note="6-6 model: Pre-LN roughly even across layers"),
        check("post_stream_rms", 1.0, post_rms, abs_tol=1e-3),  # LN output: rms sqrt(var/(var+eps))
        # the Pre-LN stream adds ~one unit of variance per sublayer pair: rms grows ~sqrt(L)
        check("pre_stream_rms_growth", math.sqrt(deep / shallow), pre_rms_d / pre_rms_s, rel_tol=0.25),
        # ... so the final LayerNorm scales the last layer's gradient by ~(shallow/deep)^p with p = 1/2. The
        # window for p, 0.3-0.7, excludes both p = 1 (a 1/L law: ratio 1/16) and p = 0 (no shrinking); over
        # seeds 0-29 the measured p is 0.33-0.55.
        check("pre_last_layer_grad_exponent", 0.5, math.log(pre_s[-1] / pre_d[-1]) / math.log(deep / shallow),
              abs_tol=0.2, note="ratio = (2/32)^p: 1/sqrt(L) is p = 0.5, 1/L would be p = 1"),
        check_at_least("post_last_layer_grad_ratio", 0.5, post_d[-1] / post_s[-1],
                       note="32 vs 2 layers: does not shrink with depth"),
        check_at_least("pre_first_over_last_layer", 2.0, pre_d[0] / pre_d[-1],
                       note="32-layer stack: Pre-LN lower layers get more gradient"),
    ]


def figures(seed: int = 0, post_ln=post_ln, pre_ln=pre_ln) -> list:
    """Gradient norm of each decoder layer's FFN W2 at initialization, Post-LN beside Pre-LN (6-6 model)."""
    from _kit import bar_figure

    post6 = [v.item() for v in decoder_ffn_grad_norms(post_ln, False, seed)]
    pre6 = [v.item() for v in decoder_ffn_grad_norms(pre_ln, True, seed)]
    return [
        bar_figure("decoder_grad_by_layer", "Decoder FFN W2 gradient norm by layer at initialization",
                   [str(i) for i in range(1, 7)], ("layer", "", False, "层"), ("||grad W2||", "", False, "||grad W2||"),
                   {"Post-LN": post6, "Pre-LN": pre6}, title_zh="初始化时解码器各层 FFN W2 的梯度范数",
                   note=f"last/first: Post-LN {post6[-1] / post6[0]:.1f}, Pre-LN {pre6[-1] / pre6[0]:.1f}",
                   note_zh=f"末层/首层：Post-LN {post6[-1] / post6[0]:.1f}，Pre-LN {pre6[-1] / pre6[0]:.1f}"),
    ]


if __name__ == "__main__":
    main(run)
