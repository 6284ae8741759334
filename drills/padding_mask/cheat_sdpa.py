"""Hands the mask to F.scaled_dot_product_attention and cleans up the nan rows."""

import torch
import torch.nn.functional as F

FAILS = "no_banned_calls"


def padded_attention(q, k, v, lengths):
    real = torch.arange(k.shape[-2]) < lengths[:, None]
    return F.scaled_dot_product_attention(q, k, v, attn_mask=real[:, None, None, :]).nan_to_num(0.0)
