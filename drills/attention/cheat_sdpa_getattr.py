"""Calls F.scaled_dot_product_attention, fetched with getattr so no attribute access names it."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def attention(q, k, v, mask=None):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
