import torch


def batch_norm(x: torch.Tensor, running_mean: torch.Tensor, running_var: torch.Tensor, weight: torch.Tensor,
               bias: torch.Tensor, training: bool, momentum: float = 0.1,
               eps: float = 1e-5) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """BatchNorm1d forward with running statistics, as PyTorch defines it.

    x: (N, C) or (N, C, L); running_mean, running_var, weight, bias: (C,).
    training=True: normalise each channel with the mean and the BIASED variance (divide by n) of its
    n = N (or N * L) values; new_running = (1 - momentum) * running + momentum * batch_stat, with the
    UNBIASED variance (divide by n - 1) for running_var. training=False: normalise with the running
    statistics and return them unchanged. y = (x - mean) / sqrt(var + eps) * weight + bias.
    Returns (y, new_running_mean, new_running_var) as new tensors; does not modify any input.
    Banned: F.batch_norm, torch.batch_norm, torch.native_batch_norm, nn.BatchNorm1d/2d/3d, F.instance_norm.
    """
    raise NotImplementedError("write batch_norm")
