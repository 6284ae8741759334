"""Returns the kept probabilities in sorted order instead of scattering them back to their token ids."""

import torch

FAILS = "keeps_most_probable_tokens"


def sample_filter(logits, temperature, k):
    scaled = (logits / temperature).sort(dim=-1, descending=True, stable=True).values
    k = min(k, logits.shape[-1])
    keep = torch.arange(logits.shape[-1]) < k
    return torch.softmax(scaled.masked_fill(~keep, float("-inf")), dim=-1)
