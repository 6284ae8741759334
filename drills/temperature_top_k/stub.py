import torch


def sample_filter(logits: torch.Tensor, temperature: float, k: int) -> torch.Tensor:
    """Temperature, then top-k: the distribution a sampler would draw the next token from.

    logits: (..., V) float32 or float64, any finite size (up to 1e4); temperature > 0; k >= 1.
    Divide the logits by temperature, keep exactly min(k, V) tokens with the largest logits (ties:
    the lower token index wins), and return probabilities (..., V) in logits' dtype and in vocabulary
    order: softmax over the kept tokens, exactly 0 elsewhere, each row summing to 1.
    Do not modify logits. Deterministic: no sampling.
    """
    raise NotImplementedError("write sample_filter")
