import torch


def mlm_corruption(input_ids: torch.Tensor, mask_id: int, vocab_size: int, n_special: int,
                   generator: torch.Generator, mask_prob: float = 0.15) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
    """BERT's masked-language-model corruption.

    input_ids: long tensor of any shape, e.g. (B, T). Ids below n_special are special tokens ([PAD],
    [CLS], [SEP], [MASK], ...; mask_id is one of them) and are never selected. Every other token is
    selected as a target independently with probability mask_prob. Each target becomes mask_id with
    probability 0.8, a random token drawn uniformly from the ordinary ids n_special .. vocab_size - 1
    with probability 0.1 (it may happen to equal the original), and stays unchanged with probability 0.1.
    Returns (corrupted_ids, labels), both long with input_ids' shape: labels hold the original token at
    every target and -100 everywhere else. Draw all randomness from `generator` (never the global RNG);
    do not modify input_ids.
    """
    raise NotImplementedError("write mlm_corruption")
