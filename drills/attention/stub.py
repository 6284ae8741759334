import torch


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Scaled dot-product attention with an optional boolean mask.

    q: (..., T, d_k) queries; k: (..., S, d_k) keys; v: (..., S, d_v) values; the leading dims (batch,
    heads) are the same for all three. mask: bool, broadcastable to (..., T, S); True means the query may
    attend to that key (PyTorch's convention); every query row has at least one True.
    Returns (..., T, d_v) = softmax(q k^T / sqrt(d_k), masked) v, in q's dtype; inputs are not modified.
    Banned: F.scaled_dot_product_attention, nn.MultiheadAttention, F.multi_head_attention_forward.
    """
    raise NotImplementedError("write attention")
