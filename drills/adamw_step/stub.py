import torch


def adamw_step(param: torch.Tensor, grad: torch.Tensor, exp_avg: torch.Tensor, exp_avg_sq: torch.Tensor,
               step: int, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 0.01) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One AdamW step, as torch.optim.AdamW computes it.

    All tensors have param's shape; step is 1 on the first call. Returns new tensors
    (new_param, new_exp_avg, new_exp_avg_sq) and leaves the inputs unchanged.
    Banned: torch.optim.Adam, torch.optim.AdamW and the fused kernels.
    """
    raise NotImplementedError("write adamw_step")
