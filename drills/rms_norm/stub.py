import torch


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """RMSNorm over the last dimension (as in Llama).

    x: (..., D); weight: (D,). Each vector is divided by sqrt(mean(x**2 over D) + eps), then multiplied
    by weight. No mean subtraction, no bias. Returns (..., D) in x's dtype; does not modify x.
    Banned: F.rms_norm, torch.rms_norm, nn.RMSNorm, F.layer_norm, nn.LayerNorm.
    """
    raise NotImplementedError("write rms_norm")
