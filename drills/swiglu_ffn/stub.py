import torch


def swiglu_ffn(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, w3: torch.Tensor) -> torch.Tensor:
    """The SwiGLU feed-forward block of Llama, without biases.

    x: (..., d). Weights in nn.Linear layout (a layer computes x @ W.T): w1 (d_ff, d) is the gate
    projection, w3 (d_ff, d) the up projection, w2 (d, d_ff) the down projection.
    Returns (silu(x @ w1.T) * (x @ w3.T)) @ w2.T, shape (..., d), in x's dtype, where
    silu(z) = z * sigmoid(z) and * is elementwise. Inputs are not modified.
    """
    raise NotImplementedError("write swiglu_ffn")
