import torch


def lora_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, A: torch.Tensor, B: torch.Tensor,
                alpha: float, merged: bool = False) -> torch.Tensor:
    """A linear layer with a LoRA adapter.

    x: (..., d_in); weight: (d_out, d_in) frozen; bias: (d_out,); A: (r, d_in); B: (d_out, r); r = A.shape[0].
    merged=False: x W^T + b + (alpha / r) (x A^T) B^T.
    merged=True:  x (W + (alpha / r) B A)^T + b, the same numbers from a merged weight.
    Returns (..., d_out) in x's dtype; never modifies weight or any other input.
    """
    raise NotImplementedError("write lora_linear")
