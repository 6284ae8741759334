import torch


def top_p_filter(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Nucleus (top-p) filtering of next-token distributions.

    probs: (..., V), each row a probability distribution (no ties). Keep the smallest set of the most
    probable tokens whose total probability is at least p (the most probable token is always kept), set
    every other token to 0, and renormalise the kept ones to sum to 1. Return (..., V) in vocabulary
    order (token i stays at index i), same dtype; do not modify probs. Deterministic: no sampling.
    """
    raise NotImplementedError("write top_p_filter")
