"""Draws the random replacement from the whole vocabulary, torch.randint(vocab_size), specials included."""

import torch

FAILS = "random_tokens_not_special"


def mlm_corruption(input_ids, mask_id, vocab_size, n_special, generator, mask_prob=0.15):
    special = input_ids < n_special
    target = torch.bernoulli(torch.full(input_ids.shape, mask_prob), generator=generator).bool() & ~special
    labels = torch.where(target, input_ids, torch.full_like(input_ids, -100))
    roll = torch.rand(input_ids.shape, generator=generator)
    random_ids = torch.randint(vocab_size, input_ids.shape, generator=generator)
    corrupted = torch.where(target & (roll < 0.8), torch.full_like(input_ids, mask_id), input_ids)
    corrupted = torch.where(target & (roll >= 0.8) & (roll < 0.9), random_ids, corrupted)
    return corrupted, labels
