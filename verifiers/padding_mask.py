"""A key-padding mask makes padding invisible: at every real token the output equals attention over the
unpadded sequence, padded keys get weight exactly 0, and changing what sits in the padding changes nothing.
Without the mask, padding leaks into the real tokens' outputs.

Sequences of different lengths are padded to one length T so they fit in one tensor. Setting the logits of
padded keys to -inf before the softmax gives them weight exp(-inf) = 0, and the remaining weights
renormalise over the real keys only. Only keys are masked: padded queries still see real keys, so no row
is all -inf (which would give NaN); their outputs are simply ignored downstream.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, check_true, main


def attention(q, k, v, key_padding_mask=None):
    """q, k, v (B, T, d); key_padding_mask (B, T) bool, True = padding (the post's "1 = masked")."""
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5  # (B, T, T)
    if key_padding_mask is not None:
        scores = scores.masked_fill(key_padding_mask[:, None, :], float("-inf"))  # same for every query
    return scores.softmax(dim=-1) @ v


def run(seed: int = 0, attention=attention) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, d = 3, 8, 16
    lengths = [8, 5, 2]
    q, k, v = (torch.randn(B, T, d, generator=g, dtype=torch.float64) for _ in range(3))
    pad = torch.arange(T) >= torch.tensor(lengths)[:, None]  # (B, T): True at padding
    real = ~pad

    out = attention(q, k, v, pad)  # (B, T, d)
    # Each sequence on its own, without any padding at all.
    alone = [attention(q[b, None, :n], k[b, None, :n], v[b, None, :n])[0] for b, n in enumerate(lengths)]
    diff_alone = max((out[b, :n] - alone[b]).abs().max() for b, n in enumerate(lengths))
    # Reference: PyTorch's fused attention with a boolean "may attend" mask (the opposite convention).
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=real[:, None, :])
    # Weights: with V = identity the output rows are the attention weights themselves.
    weights = attention(q, k, torch.eye(T, dtype=torch.float64).expand(B, T, T), pad)  # (B, T, T)
    # Fill the padding with something wild; real outputs must not move.
    junk = 100 * torch.randn(B, T, d, generator=g, dtype=torch.float64)
    k2, v2 = torch.where(pad[..., None], junk, k), torch.where(pad[..., None], -junk, v)
    moved = (attention(q, k2, v2, pad) - out)[real].abs().max()
    # Control: no mask, real tokens of the padded sequences do attend to the padding.
    leak = max((attention(q, k, v)[b, :n] - alone[b]).abs().max() for b, n in enumerate(lengths) if n < T)

    exact = 1e-12  # float64 rounding
    return [
        check("max_abs_diff_vs_unpadded", 0.0, diff_alone, abs_tol=exact),
        check("max_abs_diff_vs_sdpa", 0.0, (out - ref).abs().max(), abs_tol=exact),
        check("max_weight_on_padding", 0.0, weights[pad[:, None, :].expand(B, T, T)].max(), abs_tol=0.0),
        check("real_output_change_when_padding_changes", 0.0, moved, abs_tol=exact),
        check_true("all_outputs_finite", torch.isfinite(out).all()),
        check_at_least("unmasked_leak_into_real_tokens", 1e-3, leak, note="control: without the mask"),
    ]


def figures(seed: int = 0, attention=attention) -> list:
    """The key-padding mask of a batch, and one padded sequence's attention weights under it."""
    from _kit import heatmap_figure

    g = torch.Generator().manual_seed(seed)
    B, T, d = 3, 8, 16
    lengths = [8, 5, 2]
    q, k = (torch.randn(B, T, d, generator=g, dtype=torch.float64) for _ in range(2))
    pad = torch.arange(T) >= torch.tensor(lengths)[:, None]  # (B, T): True at padding
    weights = attention(q, k, torch.eye(T, dtype=torch.float64).expand(B, T, T), pad)[1]  # (T, T), length 5
    return [
        heatmap_figure("key_padding_mask", "Key-padding mask, lengths 8, 5, 2 padded to 8", (~pad).double(),
                       masked=pad, x=("position", "", False, "位置"), y=("sequence", "", False, "序列"),
                       value=("real token", "", False, "真实 token"),
                       title_zh="键填充掩码：长度 8、5、2 填充到 8", note="· = padding, hidden from every query",
                       note_zh="· 为填充位置，对所有查询不可见"),
        heatmap_figure("weights_length5", "Attention weights of the length-5 sequence", weights,
                       masked=weights == 0, title_zh="长度为 5 的序列的注意力权重",
                       note="keys 5-7 are padding: their columns are exactly 0 (·) for every query",
                       note_zh="键 5-7 是填充：这些列对每个查询都恰好为 0（·）"),
    ]


if __name__ == "__main__":
    main(run)
