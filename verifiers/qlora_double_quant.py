"""QLoRA stores each weight as a 4-bit code plus its share of the block constants: with one fp32 absmax per
64 weights that is 4 + 32/64 = 4.5 bits per weight; double quantization stores the absmaxes themselves as
8-bit values with one fp32 constant per 256 of them, 4 + 8/64 + 32/(64*256) = 4.127 bits, saving about
0.373 bits per weight (about 3 GB on a 65B model).

Measured from the bytes of really quantized tensors (codes packed two per byte), and the weights decode back
to within half a code gap of each block's scale.
"""

import torch
from _kit import check, check_at_most, main

from quiz.params_tuning_scaling import nf4_storage_bits

NF4 = torch.tensor([-1.0, -0.6961928, -0.5250731, -0.3949175, -0.2844414, -0.1847734, -0.0910500, 0.0,
                    0.0795803, 0.1609302, 0.2461123, 0.3379152, 0.4407098, 0.5626170, 0.7229568, 1.0],
                   dtype=torch.float64)  # fmt: skip


def quantize(w, block: int = 64, block2: int = 256, double_quant: bool = True):
    """w (n,) -> dict of stored tensors. Codes are NF4 indices packed two per uint8."""
    blocks = w.view(-1, block)
    absmax = blocks.abs().max(dim=1).values  # (n/block,)
    codes = ((blocks / absmax[:, None])[..., None] - NF4).abs().argmin(dim=-1).to(torch.uint8).flatten()
    stored = {"codes": codes[0::2] << 4 | codes[1::2]}  # (n/2,) uint8: two 4-bit codes per byte
    if not double_quant:
        stored["absmax"] = absmax.float()  # fp32 per block
        return stored
    mean = absmax.mean()
    centred = (absmax - mean).view(-1, block2)  # second-level blocks of absmaxes
    scale2 = centred.abs().max(dim=1).values / 127  # (n/block/block2,)
    stored["absmax_q"] = torch.round(centred / scale2[:, None]).to(torch.int8).flatten()  # 8-bit absmaxes
    stored["scale2"] = scale2.float()  # fp32 per 256 absmaxes
    stored["mean"] = mean.float().reshape(1)  # one fp32 for the whole tensor
    return stored


def dequantize(stored, block: int = 64, block2: int = 256):
    if "absmax" in stored:
        absmax = stored["absmax"].double()
    else:
        absmax = (stored["absmax_q"].double().view(-1, block2) * stored["scale2"].double()[:, None]).flatten()
        absmax = absmax + stored["mean"].double()
    packed = stored["codes"]
    if packed.numel() == absmax.numel() * block:  # one code per byte (unpacked): read as is
        codes = packed.long()
    else:
        codes = torch.stack([packed >> 4, packed & 15], dim=1).flatten().long()
    return (NF4[codes].view(-1, block) * absmax[:, None]).flatten()


def run(seed: int = 0, quantize_fn=quantize) -> list:
    g = torch.Generator().manual_seed(seed)
    n = 64 * 256 * 4  # four second-level blocks
    w = torch.randn(n, generator=g, dtype=torch.float64) * 0.02
    nbytes = lambda stored: sum(t.numel() * t.element_size() for t in stored.values())  # noqa: E731
    single = quantize_fn(w, double_quant=False)
    double = quantize_fn(w, double_quant=True)
    absmax = w.view(-1, 64).abs().max(dim=1).values
    err = ((dequantize(single) - w).view(-1, 64).abs() / absmax[:, None]).max()
    half_gap = (NF4[1:] - NF4[:-1]).max() / 2
    return [
        check("bits_per_weight_single", nf4_storage_bits(64, 256, 0), 8 * nbytes(single) / n, abs_tol=0),
        # + 4 bytes: the one fp32 mean of the absmaxes, which the per-weight formula leaves out
        check("bytes_double_quant", nf4_storage_bits(64, 256, 1) * n / 8 + 4, nbytes(double), abs_tol=0),
        check("bits_double_by_hand", 4.126953125, nf4_storage_bits(64, 256, 1), rel_tol=1e-12),
        check_at_most("decode_error_over_absmax", half_gap, err),
        check("double_quant_decode_close", 0.0, (dequantize(double) - dequantize(single)).abs().max(),
              abs_tol=0.02 * 0.02),  # absmax error at 8 bits: far below the 4-bit code error
        # 65B weights: (4.5 - 4.127) bits * 65e9 / 8 = 3.03e9 bytes saved
        check("saving_65b_gb", 3.03, (nf4_storage_bits(64, 256, 0) - nf4_storage_bits(64, 256, 1)) * 65e9 / 8 / 1e9,
              rel_tol=0.01),
        # 65B weights stored at 4.127 bits: 65e9 * 4.126953125 / 8 bytes = 33.53 GB
        check("weights_65b_gb", 33.53, nf4_storage_bits(64, 256, 1) * 65e9 / 8 / 1e9, rel_tol=1e-3),
    ]


if __name__ == "__main__":
    main(run)
