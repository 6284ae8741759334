import torch


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    # x: (N, C) or (N, C, L). One mean and one variance per channel C, over every other dim.
    dims = (0,) if x.dim() == 2 else (0, 2)
    shape = (1, -1) if x.dim() == 2 else (1, -1, 1)  # how a (C,) vector broadcasts against x
    if training:
        n = x.numel() // x.shape[1]  # values per channel: N, or N * L
        mean = x.mean(dim=dims)  # (C,)
        var = ((x - mean.view(shape)) ** 2).mean(dim=dims)  # (C,) biased: divide by n, used to normalise
        new_mean = (1 - momentum) * running_mean + momentum * mean  # (C,) new tensors, buffers untouched
        new_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)  # (C,) stored UNbiased
    else:
        mean, var = running_mean, running_var  # eval: the fixed statistics from training
        new_mean, new_var = running_mean, running_var
    x_hat = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)  # eps inside the sqrt
    return x_hat * weight.view(shape) + bias.view(shape), new_mean, new_var
