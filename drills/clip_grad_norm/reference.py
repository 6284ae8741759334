import torch


def clip_grad_norm(grads: list[torch.Tensor], max_norm: float) -> list[torch.Tensor]:
    total = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))  # one L2 norm over every tensor
    factor = min(1.0, max_norm / (float(total) + 1e-6))  # only ever shrink
    return [g * factor for g in grads]  # the same factor for all: the direction is kept
