"""A SwiGLU feed-forward layer has three weight matrices instead of two, so its hidden size is cut to 2/3·4d:
then it has the same 8d² parameters as the classic 4d FFN (Llama-2-7B: 2/3·4·4096 rounded up to a multiple
of 256 gives 11008).

Classic FFN: W2·act(W1·x) with W1: d -> 4d and W2: 4d -> d, so 2·d·4d = 8d² weights.
SwiGLU (Shazeer 2020): W2·(silu(W1·x) * (W3·x)) with W1, W3: d -> h and W2: h -> d, so 3·d·h weights.
3·d·h = 8d² gives h = 8d/3 = 2/3·4d. Llama's code rounds h up to a multiple of 256.
"""

import torch.nn as nn
import torch.nn.functional as F
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import swiglu_hidden


class FFN(nn.Module):
    """Classic two-matrix feed-forward layer (no biases, as in Llama-style models)."""

    def __init__(self, d: int, hidden: int, device=None):
        super().__init__()
        self.w1 = nn.Linear(d, hidden, bias=False, device=device)
        self.w2 = nn.Linear(hidden, d, bias=False, device=device)

    def forward(self, x):  # (B, T, d) -> (B, T, d)
        return self.w2(F.gelu(self.w1(x)))


class SwiGLU(nn.Module):
    """Three matrices: a gate (w1), an up projection (w3) and a down projection (w2)."""

    def __init__(self, d: int, hidden: int, device=None):
        super().__init__()
        self.w1 = nn.Linear(d, hidden, bias=False, device=device)
        self.w3 = nn.Linear(d, hidden, bias=False, device=device)
        self.w2 = nn.Linear(hidden, d, bias=False, device=device)

    def forward(self, x):  # (B, T, d) -> (B, T, d)
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


def numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def llama_hidden(d: int, multiple_of: int = 256, hidden=swiglu_hidden) -> int:
    """Llama's FeedForward: start from 4d, take 2/3, round up to a multiple of `multiple_of`."""
    h = int(hidden(d_model=d))
    return multiple_of * ((h + multiple_of - 1) // multiple_of)


def run(seed: int = 0, hidden=swiglu_hidden) -> list:
    del seed  # parameter counting is exact: nothing here is random
    checks = []
    # Parameter counts need no real weights: the meta device gives shapes without allocating memory.
    for d in (768, 4096):
        classic = numel(FFN(d, 4 * d, device="meta"))
        swiglu = numel(SwiGLU(d, int(hidden(d_model=d)), device="meta"))
        # 8d/3 is a whole number for d = 768; for d = 4096 int() drops 2/3 of a hidden unit (< 3d weights)
        tol = 0 if d % 3 == 0 else 3 * d
        checks.append(check(f"classic_ffn_params_d{d}", expected=8 * d * d, measured=classic, abs_tol=0))
        checks.append(check(f"swiglu_params_match_d{d}", expected=classic, measured=swiglu, abs_tol=tol))

    # Keeping hidden = 4d with three matrices would cost 12d² instead of 8d²: 1.5 times as many.
    d = 768
    ratio = numel(SwiGLU(d, 4 * d, device="meta")) / numel(FFN(d, 4 * d, device="meta"))
    checks.append(check("swiglu_4d_hidden_param_ratio", expected=1.5, measured=ratio, abs_tol=1e-12))

    # Llama-2-7B config.json: hidden_size 4096, intermediate_size 11008.
    h = llama_hidden(4096, hidden=hidden)
    checks.append(check("llama2_7b_hidden", expected=11008, measured=h, abs_tol=0))
    return checks


if __name__ == "__main__":
    main(run)
