import math

import torch


def slopes(n: int) -> list[float]:
    if math.log2(n).is_integer():
        return [2 ** (-8 * h / n) for h in range(1, n + 1)]  # 2^(-8/n), 2^(-16/n), ...
    p = 2 ** math.floor(math.log2(n))
    return slopes(p) + slopes(2 * p)[0::2][: n - p]  # the paper's code for other head counts


def alibi_bias(n_heads: int, seq_len: int) -> torch.Tensor:
    i = torch.arange(seq_len)[:, None]  # (T, 1) query
    j = torch.arange(seq_len)[None, :]  # (1, T) key
    m = torch.tensor(slopes(n_heads), dtype=torch.float64)[:, None, None]  # (H, 1, 1)
    bias = -m * (i - j).to(torch.float64)  # (H, T, T) penalty grows with distance
    return bias.masked_fill(j > i, float("-inf"))  # causal
