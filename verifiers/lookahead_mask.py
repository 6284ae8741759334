"""With a look-ahead (causal) mask, changing tokens t, t+1, ... leaves the outputs at positions before t
unchanged to float64 rounding, and each output equals what the layer gives when run on the prefix alone;
remove the mask and the earlier outputs do change.

The mask sets the logit of every key j > i to -inf for query i, so after the softmax its weight is exactly
0 and nothing from the future reaches position i. This is what lets a decoder train on all positions of a
sequence in parallel while each position only sees the tokens a generator would have at that step.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, main


def attention(q, k, v, causal=True):
    """(B, T, d) each -> (B, T, d). causal=True hides keys j > i from query i."""
    T = q.shape[-2]
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5  # (B, T, T)
    if causal:
        future = torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)  # (T, T): True above the diagonal
        scores = scores.masked_fill(future, float("-inf"))
    return scores.softmax(dim=-1) @ v


def run(seed: int = 0, attention=attention) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, d = 2, 8, 16
    x = torch.randn(B, T, d, generator=g, dtype=torch.float64)
    w_q, w_k, w_v = (torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5 for _ in range(3))

    def layer(x, causal=True):  # one self-attention layer: q, k, v all come from the tokens x
        return attention(x @ w_q, x @ w_k, x @ w_v, causal)

    out, out_open = layer(x), layer(x, causal=False)
    past_moved, past_moved_open, future_moved = 0.0, 0.0, float("inf")
    for t in range(1, T):  # replace tokens t.. with fresh random ones
        x2 = x.clone()
        x2[:, t:] = torch.randn(B, T - t, d, generator=g, dtype=torch.float64)
        past_moved = max(past_moved, (layer(x2)[:, :t] - out[:, :t]).abs().max().item())
        open_diff = (layer(x2, causal=False)[:, :t] - out_open[:, :t]).abs().max().item()
        past_moved_open = max(past_moved_open, open_diff)
        future_moved = min(future_moved, (layer(x2)[:, t] - out[:, t]).abs().max().item())
    prefix_diff = max((layer(x[:, : t + 1])[:, t] - out[:, t]).abs().max() for t in range(T))
    weights = attention(x @ w_q, x @ w_k, torch.eye(T, dtype=torch.float64).expand(B, T, T))  # V = I gives A
    q, k, v = x @ w_q, x @ w_k, x @ w_v
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)

    exact = 1e-12  # float64 rounding
    return [
        check("past_output_change_when_future_changes", 0.0, past_moved, abs_tol=exact),
        check("max_abs_diff_vs_prefix_only_run", 0.0, prefix_diff, abs_tol=exact),
        check("max_abs_diff_vs_sdpa_causal", 0.0, (attention(q, k, v) - ref).abs().max(), abs_tol=exact),
        check("max_weight_above_diagonal", 0.0, weights.triu(diagonal=1).max(), abs_tol=0.0),
        check_at_least("changed_position_itself_moves", 1e-3, future_moved, note="sanity: a real change"),
        check_at_least("past_output_change_without_mask", 1e-3, past_moved_open, note="control: no mask"),
    ]


def figures(seed: int = 0, attention=attention) -> list:
    """Attention weights of one sequence with and without the causal mask (V = I makes the output the weights)."""
    from _kit import heatmap_figure

    g = torch.Generator().manual_seed(seed)
    T, d = 8, 16
    x = torch.randn(1, T, d, generator=g, dtype=torch.float64)
    w_q, w_k = (torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5 for _ in range(2))
    eye = torch.eye(T, dtype=torch.float64)[None]  # (1, T, T)
    causal = attention(x @ w_q, x @ w_k, eye)[0]  # (T, T)
    unmasked = attention(x @ w_q, x @ w_k, eye, causal=False)[0]
    return [
        heatmap_figure("weights_causal", "Attention weights with the causal mask", causal, masked=causal == 0,
                       title_zh="加因果掩码的注意力权重",
                       note="every cell above the diagonal is exactly 0 (·): no query sees a later key",
                       note_zh="对角线以上全为 0（·）：没有查询能看到之后的键"),
        heatmap_figure("weights_unmasked", "The same weights without the mask", unmasked, masked=unmasked == 0,
                       title_zh="去掉掩码后的同一组权重",
                       note="weight above the diagonal: the future leaks into earlier positions",
                       note_zh="对角线以上有权重：未来的信息泄漏到前面的位置"),
    ]


if __name__ == "__main__":
    main(run)
