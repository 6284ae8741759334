import torch


def causal_softmax(scores: torch.Tensor) -> torch.Tensor:
    """Causal attention weights from raw scores.

    scores: (..., T, T), float; scores[..., i, j] is query i's score for key j. Build the (T, T) boolean
    causal mask with True = may attend (key j <= query i, the diagonal included), hide the other keys
    with -inf BEFORE the softmax, and take the softmax over the keys (the last dim). Every future key
    gets weight exactly 0 and each row sums to 1. Returns (..., T, T) in scores' dtype; scores is not modified.
    """
    raise NotImplementedError("write causal_softmax")
