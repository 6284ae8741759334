"""Calls F.scaled_dot_product_attention with enable_gqa=True and is_causal=True."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def grouped_query_attention(q, k, v):
    return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
