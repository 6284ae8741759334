import torch


def sinusoidal_pe(positions: torch.Tensor, d: int) -> torch.Tensor:
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,) one frequency per pair
    angle = positions.to(torch.float64)[:, None] * w  # (P, d/2)
    pe = torch.empty(len(positions), d, dtype=torch.float64)
    pe[:, 0::2] = angle.sin()  # even columns
    pe[:, 1::2] = angle.cos()  # odd columns
    return pe
