import torch


def alibi_bias(n_heads: int, seq_len: int) -> torch.Tensor:
    """Causal ALiBi bias, (n_heads, seq_len, seq_len) float64.

    [h-1, i, j] = -m_h * (i - j) for j <= i, -inf for j > i. Power-of-two n: m_h = 2 ** (-8 h / n), h = 1..n.
    Otherwise: slopes of p = 2 ** floor(log2 n) heads, then every other slope of 2p heads, up to n.
    """
    raise NotImplementedError("write alibi_bias")
