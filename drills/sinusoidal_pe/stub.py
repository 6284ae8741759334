import torch


def sinusoidal_pe(positions: torch.Tensor, d: int) -> torch.Tensor:
    """Sinusoidal position encoding, interleaved layout.

    positions: (P,) int or float; d even. Returns (P, d) float64 with
    PE[p, 2i] = sin(pos * w_i), PE[p, 2i + 1] = cos(pos * w_i), w_i = 10000 ** (-2i / d).
    Does not modify positions.
    """
    raise NotImplementedError("write sinusoidal_pe")
