import torch


def padded_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Scaled dot-product attention with a key-padding mask built from sequence lengths (right padding).

    q: (B, H, T, d); k: (B, H, S, d); v: (B, H, S, d_v); lengths: (B,) int64, 0 <= lengths[b] <= S.
    Keys s < lengths[b] of sequence b are real, keys s >= lengths[b] are padding: every query of every
    head gives them weight exactly 0 and the softmax renormalises over the real keys. Only keys are
    masked; queries at padded positions still attend to the real keys. A sequence with lengths[b] == 0
    has no key to attend to: its output is all zeros (never nan). Scores are scaled by 1/sqrt(d).
    Returns (B, H, T, d_v) in q's dtype; inputs are not modified.
    Banned: F.scaled_dot_product_attention, nn.MultiheadAttention, F.multi_head_attention_forward.
    """
    raise NotImplementedError("write padded_attention")
