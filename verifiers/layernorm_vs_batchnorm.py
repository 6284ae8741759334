"""LayerNorm normalises each token over its own features; BatchNorm normalises each feature over the
batch, so a sample's BatchNorm output (training mode) changes when its batch mates change and its
LayerNorm output does not.

For x of shape (B, T, C): LayerNorm takes the mean and variance over C, one pair per
token; BatchNorm takes them over B and T, one pair per feature. That is why LayerNorm
suits variable-length text and small or per-token batches: a token's output depends
only on that token.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, main

EPS = 1e-5


def layer_norm(x: torch.Tensor) -> torch.Tensor:
    """(B, T, C) -> (B, T, C): statistics over the last dim, one mean/var per token."""
    mu = x.mean(dim=-1, keepdim=True)  # (B, T, 1)
    var = x.var(dim=-1, unbiased=False, keepdim=True)  # (B, T, 1) biased, as in the paper
    return (x - mu) / torch.sqrt(var + EPS)


def batch_norm(x: torch.Tensor) -> torch.Tensor:
    """(B, T, C) -> (B, T, C): statistics over batch and time, one mean/var per feature (training mode)."""
    mu = x.mean(dim=(0, 1), keepdim=True)  # (1, 1, C)
    var = x.var(dim=(0, 1), unbiased=False, keepdim=True)  # (1, 1, C)
    return (x - mu) / torch.sqrt(var + EPS)


def run(seed: int = 0, layer_norm=layer_norm, batch_norm=batch_norm) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, C = 8, 6, 16
    # features with their own offsets and scales, so per-token and per-feature statistics differ
    shift = 3 * torch.randn(C, generator=g, dtype=torch.float64)
    scale = torch.rand(C, generator=g, dtype=torch.float64) + 0.5
    x = torch.randn(B, T, C, generator=g, dtype=torch.float64) * scale + shift  # (B, T, C)

    ln, bn = layer_norm(x), batch_norm(x)
    # references: torch's own layer norm, and batch norm in training mode on (B*T, C)
    ln_ref = F.layer_norm(x, (C,), eps=EPS)
    bn_ref = F.batch_norm(x.reshape(B * T, C), None, None, training=True, eps=EPS).reshape(B, T, C)

    # the same sample 0 placed among different batch mates (samples 1.. replaced and shifted)
    other = torch.randn(B - 1, T, C, generator=g, dtype=torch.float64) * scale + shift + 2.0
    x2 = torch.cat([x[:1], other])  # (B, T, C), x2[0] == x[0]
    ln_moved = (layer_norm(x2)[0] - ln[0]).abs().max()
    bn_moved = (batch_norm(x2)[0] - bn[0]).abs().max()

    # float64 and identical formulas: differences are rounding only, ~1e-15
    return [
        check("ln_matches_torch", 0.0, (ln - ln_ref).abs().max(), abs_tol=1e-10),
        check("bn_matches_torch", 0.0, (bn - bn_ref).abs().max(), abs_tol=1e-10),
        # per-token statistics of the LayerNorm output: mean 0, variance var/(var+eps) ~ 1; the smallest
        # variance normalised here (a feature's, >= 0.25) puts 1 - var/(var+eps) below 4e-5, inside 1e-4
        check("ln_token_mean", 0.0, ln.mean(dim=-1).abs().max(), abs_tol=1e-10),
        check("ln_token_var", 1.0, ln.var(dim=-1, unbiased=False).mean(), abs_tol=1e-4),
        # per-feature statistics of the BatchNorm output over (B, T)
        check("bn_feature_mean", 0.0, bn.mean(dim=(0, 1)).abs().max(), abs_tol=1e-10),
        check("bn_feature_var", 1.0, bn.var(dim=(0, 1), unbiased=False).mean(), abs_tol=1e-4),
        # the defining difference: sample 0's output with other batch mates
        check("ln_sample_unchanged_by_batch", 0.0, ln_moved, abs_tol=1e-12),
        check_at_least("bn_sample_changed_by_batch", 0.1, bn_moved, note="batch mates shifted by +2"),
    ]


if __name__ == "__main__":
    main(run)
