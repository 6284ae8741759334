"""A prefix-LM mask lets the first P tokens (the prompt) see each other in both directions while every later
token sees the whole prefix and, causally, the tokens up to itself: P² + P(T-P) + (T-P)(T-P+1)/2 allowed
query-key pairs, between the causal T(T+1)/2 (P = 0) and the full T² (P = T).

Measured through a self-attention layer: changing target tokens never changes a prefix output, changing a
late prefix token does change the first token's output (bidirectional), and a target token's output does
not depend on later targets (causal). This is the attention pattern of the posts' "prefix decoder".
"""

import torch
from _kit import check, check_at_least, main

from quiz.params import causal_allowed_pairs, prefix_allowed_pairs


def prefix_lm_mask(T: int, P: int) -> torch.Tensor:
    """(T, T) bool, True = query i may attend to key j: j is in the prefix, or j <= i."""
    i = torch.arange(T)[:, None]  # queries down the rows
    j = torch.arange(T)[None, :]  # keys across the columns
    return (j < P) | (j <= i)


def masked_attention(q, k, v, mask):
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5  # (B, T, T)
    return scores.masked_fill(~mask, float("-inf")).softmax(dim=-1) @ v


def run(seed: int = 0, make_mask=prefix_lm_mask) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, P, d = 2, 10, 4, 16
    checks = [
        check("allowed_pairs_T10_P4", prefix_allowed_pairs(T, P), make_mask(T, P).sum(), abs_tol=0),
        # Hand closed form: prefix block + targets seeing the prefix + causal triangle of the targets.
        check("allowed_pairs_T10_P4_by_hand", P * P + (T - P) * P + (T - P) * (T - P + 1) // 2,
              make_mask(T, P).sum(), abs_tol=0),
        check("allowed_pairs_P0_is_causal", causal_allowed_pairs(T), make_mask(T, 0).sum(), abs_tol=0),
        check("allowed_pairs_PT_is_full", T * T, make_mask(T, T).sum(), abs_tol=0),
    ]

    x = torch.randn(B, T, d, generator=g, dtype=torch.float64)
    w_q, w_k, w_v = (torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5 for _ in range(3))
    mask = make_mask(T, P)

    def layer(x):
        return masked_attention(x @ w_q, x @ w_k, x @ w_v, mask)

    def perturbed(positions):  # x with fresh random tokens at the given positions
        x2 = x.clone()
        x2[:, positions] = torch.randn(B, len(positions), d, generator=g, dtype=torch.float64)
        return layer(x2)

    out = layer(x)
    targets_to_prefix = (perturbed(list(range(P, T)))[:, :P] - out[:, :P]).abs().max()
    last_prefix_to_first = (perturbed([P - 1])[:, 0] - out[:, 0]).abs().max()
    later_to_target = max(
        (perturbed(list(range(i + 1, T)))[:, i] - out[:, i]).abs().max() for i in range(P, T - 1)
    )
    exact = 1e-12  # float64 rounding
    checks += [
        check("prefix_output_change_when_targets_change", 0.0, targets_to_prefix, abs_tol=exact),
        check_at_least("first_output_change_when_last_prefix_token_changes", 1e-3, last_prefix_to_first,
                       note="bidirectional inside the prefix"),
        check("target_output_change_when_later_targets_change", 0.0, later_to_target, abs_tol=exact),
    ]
    return checks


def figures(seed: int = 0, make_mask=prefix_lm_mask) -> list:
    """The prefix-LM mask for T = 10, P = 4: bidirectional over the prefix, causal after it."""
    from _kit import heatmap_figure

    del seed  # deterministic
    mask = make_mask(10, 4)  # (T, T) True = may attend
    return [
        heatmap_figure("mask_T10_P4", "Prefix-LM mask, T = 10, prefix P = 4", mask.double(), masked=~mask,
                       value=("may attend", "", False, "可见"), title_zh="前缀语言模型掩码，T = 10，前缀 P = 4",
                       note="the 4x4 prefix block is full (above the diagonal too); the rest is causal",
                       note_zh="左上 4x4 前缀块全部可见（包括对角线以上）；其余为因果"),
    ]


if __name__ == "__main__":
    main(run)
