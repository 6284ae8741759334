"""Writes [MASK] and the random tokens into the caller's input_ids and returns it."""

import torch

FAILS = "input_not_modified"


def mlm_corruption(input_ids, mask_id, vocab_size, n_special, generator, mask_prob=0.15):
    special = input_ids < n_special
    target = torch.bernoulli(torch.full(input_ids.shape, mask_prob), generator=generator).bool() & ~special
    labels = torch.where(target, input_ids, torch.full_like(input_ids, -100))
    roll = torch.rand(input_ids.shape, generator=generator)
    random_ids = torch.randint(n_special, vocab_size, input_ids.shape, generator=generator)
    to_random = target & (roll >= 0.8) & (roll < 0.9)
    input_ids[target & (roll < 0.8)] = mask_id
    input_ids[to_random] = random_ids[to_random]
    return input_ids, labels
