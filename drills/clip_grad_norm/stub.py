import torch


def clip_grad_norm(grads: list[torch.Tensor], max_norm: float) -> list[torch.Tensor]:
    """Clip a list of gradients by their global L2 norm (clip_grad_norm_'s rule, not in place).

    total = sqrt(sum over tensors of (g**2).sum()); if total > max_norm every tensor is multiplied by
    max_norm / (total + 1e-6), else returned unchanged. Returns new tensors, same shapes, dtypes, order.
    Banned: torch.nn.utils.clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_.
    """
    raise NotImplementedError("write clip_grad_norm")
