"""After masking 80%, sends 10% of the REMAINING targets to a random token (it should be half of them)."""

import torch

FAILS = "random_share_10_percent"


def mlm_corruption(input_ids, mask_id, vocab_size, n_special, generator, mask_prob=0.15):
    special = input_ids < n_special
    target = torch.bernoulli(torch.full(input_ids.shape, mask_prob), generator=generator).bool() & ~special
    labels = torch.where(target, input_ids, torch.full_like(input_ids, -100))
    to_mask = torch.bernoulli(torch.full(input_ids.shape, 0.8), generator=generator).bool() & target
    to_random = torch.bernoulli(torch.full(input_ids.shape, 0.1), generator=generator).bool() & target & ~to_mask
    random_ids = torch.randint(n_special, vocab_size, input_ids.shape, generator=generator)
    corrupted = torch.where(to_mask, torch.full_like(input_ids, mask_id), input_ids)
    return torch.where(to_random, random_ids, corrupted), labels
