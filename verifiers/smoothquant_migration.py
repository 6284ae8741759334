"""SmoothQuant moves quantization difficulty from activations to weights without changing the layer: with
s_j = max|X_j|^α / max|W_j|^(1-α) per input channel j, (X diag(s)^-1)(diag(s) W) = X W exactly, and at α = 0.5
both factors end up with the same per-channel maximum sqrt(max|X_j| · max|W_j|). Activation outlier channels
shrink, so per-tensor W8A8 quantization of the smoothed pair is far more accurate.

X has a few outlier channels 50 times larger than the rest, as in LLM activations. The product is compared in
float64; the W8A8 error is the relative Frobenius error of the int8 (per-tensor absmax) product.
"""

import torch
from _kit import check, check_at_least, main


def smooth(x: torch.Tensor, w: torch.Tensor, alpha: float = 0.5):
    """x (T, C) activations, w (C, O) weights -> (x / s, s * w) with s (C,) per input channel."""
    s = x.abs().amax(dim=0) ** alpha / w.abs().amax(dim=1) ** (1 - alpha)  # (C,)
    return x / s, w * s[:, None]


def fake_int8(t: torch.Tensor) -> torch.Tensor:
    s = t.abs().max() / 127
    return torch.round(t / s).clamp(-127, 127) * s


def run(seed: int = 0, smooth_fn=smooth) -> list:
    g = torch.Generator().manual_seed(seed)
    T, C, n_out = 256, 64, 48
    x = torch.randn(T, C, generator=g, dtype=torch.float64)  # (T, C)
    x[:, :3] *= 50  # three outlier channels
    w = torch.randn(C, n_out, generator=g, dtype=torch.float64) / C**0.5  # (C, n_out)
    y = x @ w
    xs, ws = smooth_fn(x, w, 0.5)

    def w8a8_error(a, b):
        return ((fake_int8(a) @ fake_int8(b) - y).norm() / y.norm()).item()

    def outlier_ratio(a):  # largest channel max over the median channel max
        m = a.abs().amax(dim=0)
        return (m.max() / m.median()).item()

    expected_max = (x.abs().amax(dim=0) * w.abs().amax(dim=1)).sqrt()  # (C,) by hand
    return [
        check("product_unchanged_rel", 0.0, ((xs @ ws - y).norm() / y.norm()), abs_tol=1e-12),
        check("x_channel_max_is_sqrt_product", 0.0, (xs.abs().amax(dim=0) / expected_max - 1).abs().max(), abs_tol=1e-12),
        check("w_channel_max_is_sqrt_product", 0.0, (ws.abs().amax(dim=1) / expected_max - 1).abs().max(), abs_tol=1e-12),
        # outliers 50x: after smoothing the activation channels are within a few x of each other
        check_at_least("activation_outlier_ratio_drop", 4.0, outlier_ratio(x) / outlier_ratio(xs)),
        check_at_least("w8a8_error_reduction", 2.0, w8a8_error(x, w) / w8a8_error(xs, ws)),
    ]


if __name__ == "__main__":
    main(run)
