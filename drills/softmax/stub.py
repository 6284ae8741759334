import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax of x along `dim`, numerically stable.

    x: any shape, float32 or float64. Returns a tensor of the same shape and dtype whose slices along
    `dim` are non-negative and sum to 1. Must stay finite for logits as large as 1e4.
    Do not modify x in place. Banned: torch.softmax, F.softmax, Tensor.softmax, nn.Softmax, log_softmax.
    """
    raise NotImplementedError("write softmax")
