"""The Transformer's position-wise FFN is W2·act(W1·x + b1) + b2: one activation, between the two linear maps,
applied to each token on its own; with d_ff = 4d it has 8d² + 5d parameters.

There is no activation after W2: the FFN output is added to the residual stream and must be able to push
it down as well as up. A second ReLU (a formula that circulates: ReLU(W2·ReLU(W1·x + b1) + b2)) would make
every output non-negative. Without any activation the two maps collapse into one affine map.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _kit import check, check_at_least, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import ffn_params


def ffn(x, w1, b1, w2, b2):
    """(B, T, d) -> (B, T, d). w1: (d_ff, d), b1: (d_ff,), w2: (d, d_ff), b2: (d,)."""
    h = F.relu(x @ w1.T + b1)  # (B, T, d_ff): the only nonlinearity
    return h @ w2.T + b2  # (B, T, d): no activation here


def run(seed: int = 0, ffn=ffn) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, d, d_ff = 4, 16, 32, 128
    # A reference built from PyTorch modules, with nn.Linear's default initialisation.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        ref = nn.Sequential(nn.Linear(d, d_ff), nn.ReLU(), nn.Linear(d_ff, d)).double()
    w1, b1, w2, b2 = (p.detach() for p in ref.parameters())
    x = torch.randn(B, T, d, generator=g, dtype=torch.float64)  # (B, T, d)
    y = ffn(x, w1, b1, w2, b2)  # (B, T, d)

    # 1. Same numbers as Linear -> ReLU -> Linear (float64: rounding only).
    err_ref = (y - ref(x)).abs().max()

    # 2. Outputs take both signs: W2 and b2 are symmetric around 0, so about half the entries are negative
    #    (0.39 to 0.62 over seeds 0-199: entries of one feature share its bias, so the spread is wide).
    neg_frac = (y < 0).double().mean()

    # 3. Position-wise: changing token 0 leaves every other token's output unchanged.
    x2 = x.clone()
    x2[:, 0] = torch.randn(B, d, generator=g, dtype=torch.float64)
    leak = (ffn(x2, w1, b1, w2, b2)[:, 1:] - y[:, 1:]).abs().max()

    # 4. It is not affine: for an affine map f(a) + f(b) - f(0) - f(a + b) = 0 exactly (ReLU: 0.43-0.57 over
    #    seeds 0-19, so the 0.05 bound only needs the gap to be clearly nonzero).
    a, b = x[0], x[1]  # (T, d) each
    zero = torch.zeros_like(a)

    def f(v):
        return ffn(v, w1, b1, w2, b2)

    gap = (f(a) + f(b) - f(zero) - f(a + b)).abs().mean() / f(a).abs().mean()

    # 5. Parameters for d_ff = 4d: W1 and W2 (2·4d²) + b1 (4d) + b2 (d) = 8d² + 5d. BERT-base: d = 768.
    dm = 768
    n_module = sum(p.numel() for p in nn.Sequential(nn.Linear(dm, 4 * dm, device="meta"),
                                                      nn.Linear(4 * dm, dm, device="meta")).parameters())
    n_no_bias = sum(p.numel() for p in nn.Sequential(nn.Linear(dm, 4 * dm, bias=False, device="meta"),
                                                       nn.Linear(4 * dm, dm, bias=False, device="meta")).parameters())
    return [
        check("matches_linear_relu_linear", expected=0.0, measured=err_ref, abs_tol=1e-12),
        check_at_least("negative_output_fraction", 0.3, neg_frac, note="about 0.5 by symmetry"),
        check("position_wise_leak", expected=0.0, measured=leak, abs_tol=0.0),
        check_at_least("nonlinearity_gap", 0.05, gap, note="0 for an affine map"),
        check("params_d768_module", expected=8 * dm * dm + 5 * dm, measured=n_module, abs_tol=0),
        check("params_d768_formula", expected=n_module, measured=ffn_params(dm, 4 * dm), abs_tol=0),
        check("params_d768_no_bias_formula", expected=n_no_bias, measured=ffn_params(dm, 4 * dm, bias=0), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
