import torch


def adamw_step(param: torch.Tensor, grad: torch.Tensor, exp_avg: torch.Tensor, exp_avg_sq: torch.Tensor,
               step: int, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 0.01) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    p = param * (1 - lr * weight_decay)  # decoupled decay: never enters m or v
    m = beta1 * exp_avg + (1 - beta1) * grad  # first moment
    v = beta2 * exp_avg_sq + (1 - beta2) * grad * grad  # second moment
    m_hat = m / (1 - beta1**step)  # bias correction, step counts from 1
    v_hat = v / (1 - beta2**step)
    p = p - lr * m_hat / (v_hat.sqrt() + eps)  # eps outside the sqrt
    return p, m, v
