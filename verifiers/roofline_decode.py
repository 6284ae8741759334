"""A decode step at batch B does about 2 FLOPs per weight per sequence while reading every weight once, so its
arithmetic intensity is 2B / bytes_per_weight FLOP per byte (B for fp16): at small batch decoding is
memory-bound and tokens/s per sequence ≈ bandwidth / weight bytes (7B in fp16 at 2 TB/s: about 143 tokens/s).
It turns compute-bound only past the ridge batch peak / bandwidth × bytes / 2 (156 for 312 TFLOP/s and
2 TB/s in fp16). Prefill of T tokens does the same 2N FLOPs per token but reads the weights once, so it is
compute-bound: time ≈ 2 N T / (peak × MFU).

The FLOPs are counted, not assumed: a TorchFunctionMode records every linear layer a small model actually
runs (2 · rows · in · out each), the weight bytes are the fp16 tensors' sizes, and the roofline time
max(FLOPs / peak, bytes / bandwidth) is evaluated from those counts (KV-cache and activation traffic ignored).
"""

import math

import torch
import torch.nn.functional as F
from _kit import check, main
from torch.overrides import TorchFunctionMode

from quiz.params_systems import decode_intensity, decode_tokens_per_s, prefill_seconds, ridge_batch

PEAK, BW = 312e12, 2.0e12  # FLOP/s and bytes/s of an accelerator like an A100 (fp16 dense, HBM)


class CountFlops(TorchFunctionMode):
    """Adds 2 * (rows of x) * in * out for every F.linear call."""

    def __init__(self):
        super().__init__()
        self.flops = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func is F.linear:
            x, w = args[0], args[1]
            self.flops += 2 * (x.numel() // x.shape[-1]) * w.shape[0] * w.shape[1]
        return func(*args, **(kwargs or {}))


def make_model(g, d=64, n_layers=4):
    """Non-embedding weights of a small decoder: per layer W_qkv, W_o, W_up, W_down (attention scores are
    left out: they read the KV cache, not weights)."""
    shapes = [(3 * d, d), (d, d), (4 * d, d), (d, 4 * d)] * n_layers
    return [torch.randn(*s, generator=g, dtype=torch.float32) / s[1] ** 0.5 for s in shapes]


def forward(weights, x):
    """Per layer: x + attn_out(v), then x + MLP(x); v stands in for the attention output (same shape)."""
    for w_qkv, w_o, w_up, w_down in zip(*[iter(weights)] * 4, strict=True):
        _q, _k, v = F.linear(x, w_qkv).chunk(3, dim=-1)  # (rows, d) each
        x = x + F.linear(v, w_o)
        x = x + F.linear(F.gelu(F.linear(x, w_up)), w_down)
    return x


def counted_flops(weights, rows: int, d: int) -> int:
    with CountFlops() as counter:
        forward(weights, torch.zeros(rows, d))
    return counter.flops


def run(seed: int = 0, intensity=decode_intensity, ridge=ridge_batch, tokens_per_s=decode_tokens_per_s,
        prefill=prefill_seconds) -> list:  # fmt: skip
    g = torch.Generator().manual_seed(seed)
    d = 64
    weights = make_model(g, d)
    n = sum(w.numel() for w in weights)
    weight_bytes = sum(w.half().numel() * w.half().element_size() for w in weights)  # fp16 storage
    checks = [check("flops_per_token_is_2n", 2 * n, counted_flops(weights, 1, d), abs_tol=0)]

    def step_time(batch):  # roofline time of one decode step from the counted FLOPs and bytes
        return max(counted_flops(weights, batch, d) / PEAK, weight_bytes / BW)

    for b in (1, 8):
        checks.append(check(f"intensity_batch{b}", counted_flops(weights, b, d) / weight_bytes, intensity(b, 2),
                            rel_tol=1e-12))
    # the first batch at which compute time reaches memory time (binary search over counted FLOPs)
    lo, hi = 1, 1024
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if counted_flops(weights, mid, d) / PEAK >= weight_bytes / BW else (mid + 1, hi)
    crossover = lo
    checks.append(check("ridge_batch_fp16", crossover, math.ceil(ridge(PEAK / 1e12, BW / 1e12, 2)), abs_tol=0))
    # batch 1 tokens/s from the counted roofline vs the formula at this model's size
    checks.append(check("batch1_tokens_per_s", 1 / step_time(1), tokens_per_s(n / 1e9, 2, BW / 1e12), rel_tol=1e-9))
    # prefill of 512 tokens at 40% MFU: counted FLOPs over the achieved rate
    flops_512 = counted_flops(weights, 512, d)
    checks.append(check("prefill_512_seconds", flops_512 / (PEAK * 0.4), prefill(n / 1e9, 512, PEAK / 1e12, 0.4),
                        rel_tol=1e-9))
    # by hand: 7e9 fp16 weights = 14e9 bytes; 2e12 / 14e9 = 142.857 tokens/s
    checks.append(check("llama_7b_fp16_2tbps_tokens_per_s", 1000 / 7, tokens_per_s(7, 2, 2.0), rel_tol=1e-12))
    # 70B fp16 over 4 GPUs of 2 TB/s each (tensor parallel, communication ignored): 8e12 / 140e9 = 57.14 tokens/s
    checks.append(check("llama_70b_fp16_tp4_tokens_per_s", 8000 / 140, tokens_per_s(70, 2, 4 * 2.0), rel_tol=1e-12))
    return checks


if __name__ == "__main__":
    main(run)
