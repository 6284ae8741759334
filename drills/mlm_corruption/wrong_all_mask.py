"""Replaces every selected token by [MASK]: no 80/10/10 split."""

import torch

FAILS = "mask_share_80_percent"


def mlm_corruption(input_ids, mask_id, vocab_size, n_special, generator, mask_prob=0.15):
    special = input_ids < n_special
    target = torch.bernoulli(torch.full(input_ids.shape, mask_prob), generator=generator).bool() & ~special
    labels = torch.where(target, input_ids, torch.full_like(input_ids, -100))
    corrupted = torch.where(target, torch.full_like(input_ids, mask_id), input_ids)
    return corrupted, labels
