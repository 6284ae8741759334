import torch


def cross_entropy(logits: torch.Tensor, target: torch.Tensor, ignore_index: int = -100,
                  label_smoothing: float = 0.0) -> torch.Tensor:
    """Mean cross-entropy, as F.cross_entropy computes it.

    logits: (N, C) float; target: (N,) int64. Rows with target == ignore_index are left out of the mean.
    With label smoothing eps: loss_i = (1 - eps) * -log p[i, target_i] + eps * mean_c(-log p[i, c]).
    Returns a 0-d tensor in logits' dtype; finite for logits up to 1e4; does not modify its inputs.
    Banned: F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss, nn.NLLLoss, log_softmax.
    """
    raise NotImplementedError("write cross_entropy")
