import math  # noqa: F401  (math.sqrt, math.pi)

import torch


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """GELU as PyTorch defines it.

    approximate="none": x * Phi(x), Phi the standard normal CDF = (1 + erf(x / sqrt(2))) / 2.
    approximate="tanh": 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3))).
    Same shape and dtype as x; finite for |x| up to 1e4; does not modify x. Banned: F.gelu, nn.GELU.
    """
    raise NotImplementedError("write gelu")
