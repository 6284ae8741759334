import torch


def grouped_query_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Causal grouped-query attention.

    q: (B, H, T, d); k: (B, H_kv, T, d); v: (B, H_kv, T, d_v); H_kv divides H, group = H // H_kv.
    Query heads are grouped consecutively: query head h uses kv head h // group (heads 0..group-1
    share kv head 0, the repeat_interleave convention). Each query head attends on its own with scores
    scaled by 1/sqrt(d) and a causal mask (position t sees keys 0..t). H_kv = H is multi-head attention,
    H_kv = 1 multi-query attention. Returns (B, H, T, d_v) in q's dtype; inputs are not modified.
    Banned: F.scaled_dot_product_attention, nn.MultiheadAttention, F.multi_head_attention_forward.
    """
    raise NotImplementedError("write grouped_query_attention")
