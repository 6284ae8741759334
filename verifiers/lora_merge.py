"""LoRA replaces W x by W x + (alpha / r) * B A x with A (r x d_in) random and B (d_out x r) zero at init, so
training starts exactly at the base model; it trains r * (d_in + d_out) parameters per adapted matrix, and
folding the update into the weight, W' = W + (alpha / r) B A, gives the same outputs with no extra latency.

For a 4096 x 4096 projection at r = 8 that is 65,536 trainable parameters, 0.39% of the 16.8M frozen ones.
"""

import torch
from _kit import check, main

from quiz.params_tuning_scaling import lora_fraction_percent, lora_params


class LoRALinear(torch.nn.Module):
    def __init__(self, d_in: int, d_out: int, r: int, alpha: float, g):
        super().__init__()
        self.weight = torch.randn(d_out, d_in, generator=g, dtype=torch.float64) / d_in**0.5  # frozen W
        self.A = torch.nn.Parameter(torch.randn(r, d_in, generator=g, dtype=torch.float64) / d_in**0.5)
        self.B = torch.nn.Parameter(torch.zeros(d_out, r, dtype=torch.float64))  # zero: starts at the base model
        self.scale = alpha / r

    def forward(self, x):  # (N, d_in) -> (N, d_out)
        return x @ self.weight.T + self.scale * (x @ self.A.T) @ self.B.T


def merge(layer: LoRALinear):
    """The deployed weight: W + (alpha / r) B A, (d_out, d_in)."""
    return layer.weight + layer.scale * layer.B @ layer.A


def run(seed: int = 0, merge_fn=merge, layer_cls=LoRALinear) -> list:
    g = torch.Generator().manual_seed(seed)
    d_in, d_out, r, alpha = 24, 40, 4, 16
    layer = layer_cls(d_in, d_out, r, alpha, g)
    x = torch.randn(10, d_in, generator=g, dtype=torch.float64)
    base = x @ layer.weight.T
    at_init = layer(x)

    with torch.no_grad():  # pretend training moved both factors
        layer.B.copy_(torch.randn(d_out, r, generator=g, dtype=torch.float64))
        layer.A.add_(torch.randn(r, d_in, generator=g, dtype=torch.float64))
    unmerged = layer(x)
    merged = x @ merge_fn(layer).T
    # independent expectation of the update: alpha / r times the rank-r product, by einsum
    expected_delta = alpha / r * torch.einsum("or,ri,ni->no", layer.B, layer.A, x)
    trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
    return [
        check("init_equals_base_model", 0.0, (at_init - base).abs().max(), abs_tol=0),
        check("merged_vs_unmerged", 0.0, (merged - unmerged).abs().max(), abs_tol=1e-10),
        check("update_is_alpha_over_r_BA", 0.0, (unmerged - base - expected_delta).abs().max(), abs_tol=1e-10),
        check("update_rank", r, torch.linalg.matrix_rank(merge_fn(layer) - layer.weight), abs_tol=0),
        check("trainable_params_vs_formula", lora_params(d_in, d_out, r), trainable, abs_tol=0),
        # by hand: 8 * (4096 + 4096) = 65,536; over 4096^2 = 16,777,216 that is 0.390625%
        check("params_4096_square_r8", 65_536, lora_params(4096, 4096, 8), abs_tol=0),
        check("percent_4096_square_r8", 0.390625, lora_fraction_percent(4096, 4096, 8), rel_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
