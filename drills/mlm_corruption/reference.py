import torch


def mlm_corruption(input_ids, mask_id, vocab_size, n_special, generator, mask_prob=0.15):
    special = input_ids < n_special  # [PAD], [CLS], [SEP], [MASK], ...: never selected
    chance = torch.full(input_ids.shape, mask_prob)
    target = torch.bernoulli(chance, generator=generator).bool() & ~special  # each token independently
    labels = torch.where(target, input_ids, torch.full_like(input_ids, -100))  # loss only on targets
    roll = torch.rand(input_ids.shape, generator=generator)  # one roll per token decides a target's fate
    to_mask = target & (roll < 0.8)  # 80%: [MASK]
    to_random = target & (roll >= 0.8) & (roll < 0.9)  # 10%: a random ordinary token; the last 10%: unchanged
    random_ids = torch.randint(n_special, vocab_size, input_ids.shape, generator=generator)
    corrupted = torch.where(to_mask, torch.full_like(input_ids, mask_id), input_ids)
    corrupted = torch.where(to_random, random_ids, corrupted)
    return corrupted, labels
