import torch


def rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Rotary position embedding, Llama's "rotate_half" layout.

    x: (B, T, H, d) queries or keys, d even; positions: (T,) int or float, the position of each time step
    (not necessarily 0..T-1). With h = d/2, dim i is paired with dim i + h (i < h) and the pair is rotated
    by angle = position * theta_i, theta_i = base^(-2i/d), counterclockwise:
        out_i     = x_i cos(angle) - x_{i+h} sin(angle)
        out_{i+h} = x_{i+h} cos(angle) + x_i sin(angle)
    Compute theta and the angles in float64 (positions reach the thousands), then cast cos and sin to x's
    dtype. Returns (B, T, H, d) in x's dtype; x is not modified.
    """
    raise NotImplementedError("write rope")
