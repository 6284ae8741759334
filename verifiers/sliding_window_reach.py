"""With sliding-window attention each query sees only the W most recent positions (itself included), yet
stacking layers widens what a token can depend on: after L layers the last token's output depends on the
last L * (W - 1) + 1 input positions, so Mistral 7B (W = 4096, 32 layers) reaches back about 131K tokens.

Measured with autograd through real stacked attention layers: an input position is in the receptive field
when the last output's gradient with respect to it is non-zero. Compute per layer stays O(T * W).
"""

import torch
from _kit import check, main

from quiz.params_tuning_scaling import swa_receptive_field


def window_mask(T: int, window: int):
    """(T, T) bool, True where query i may attend to key j: i - window < j <= i."""
    i = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    return (j <= i) & (j > i - window)


def receptive_field(n_layers: int, window: int, T: int, g, mask_fn) -> int:
    d = 8
    x = torch.randn(T, d, generator=g, dtype=torch.float64, requires_grad=True)
    h = x
    allowed = mask_fn(T, window)
    for _ in range(n_layers):
        wq, wk, wv = (torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5 for _ in range(3))
        s = (h @ wq) @ (h @ wk).T / d**0.5  # (T, T)
        h = h + s.masked_fill(~allowed, float("-inf")).softmax(-1) @ (h @ wv)  # residual attention layer
    h[-1].sum().backward()
    return int((x.grad.abs().sum(dim=1) > 0).sum())  # input positions the last output depends on


def run(seed: int = 0, mask_fn=window_mask) -> list:
    g = torch.Generator().manual_seed(seed)
    T = 64
    checks = []
    for n_layers, window in ((1, 4), (3, 4), (4, 8), (2, 16)):
        measured = receptive_field(n_layers, window, T, g, mask_fn)
        checks.append(check(f"reach_L{n_layers}_W{window}", n_layers * (window - 1) + 1, measured, abs_tol=0))
    checks.append(check("formula_L4_W8", receptive_field(4, 8, T, g, mask_fn), swa_receptive_field(8, 4), abs_tol=0))
    # Mistral 7B: 32 layers x window 4096: 32 * 4095 + 1 = 131,041 positions, "about 131K"
    checks.append(check("mistral_7b_reach", 131_041, swa_receptive_field(4096, 32), abs_tol=0))
    return checks


if __name__ == "__main__":
    main(run)
