import torch


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """log(softmax(x)) along `dim`, computed stably (log-sum-exp with the max subtracted).

    x: any shape, float32 or float64. Returns the same shape and dtype; every entry is <= 0 and
    exp(result) sums to 1 along dim. Must stay finite for logits as far apart as 1e4 (where
    log(softmax(x)) gives -inf). Do not modify x in place.
    Banned: softmax and log_softmax in every form, and torch.logsumexp.
    """
    raise NotImplementedError("write log_softmax")
