"""Ignores the generator and draws from the global RNG (torch.rand without generator=)."""

import torch

FAILS = "uses_the_generator"


def mlm_corruption(input_ids, mask_id, vocab_size, n_special, generator, mask_prob=0.15):
    special = input_ids < n_special
    target = (torch.rand(input_ids.shape) < mask_prob) & ~special
    labels = torch.where(target, input_ids, torch.full_like(input_ids, -100))
    roll = torch.rand(input_ids.shape)
    random_ids = torch.randint(n_special, vocab_size, input_ids.shape)
    corrupted = torch.where(target & (roll < 0.8), torch.full_like(input_ids, mask_id), input_ids)
    corrupted = torch.where(target & (roll >= 0.8) & (roll < 0.9), random_ids, corrupted)
    return corrupted, labels
