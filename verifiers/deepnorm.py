"""DeepNorm (Wang et al. 2022) is Post-LN with the residual up-weighted, x = LN(alpha*x + G(x)), and
the FFN, value and output weights initialised with gain beta; for a decoder-only model of N layers
alpha = (2N)^(1/4) and beta = (8N)^(-1/4). This keeps the model update of a first Adam step small:
measured here it grows about like sqrt(N), while plain Post-LN's grows at least as fast as N (from 2 to 8
layers) until the output is scrambled.

A rough account of the sqrt(N): Adam's first step moves every weight by about lr. A
change in one sublayer reaches the output scaled by about beta/alpha (its weights are
beta-sized, and the LayerNorm divides the alpha-weighted stream by alpha); the 2N
sublayers' changes all push the loss the same way, so they add up: 2N * beta/alpha =
sqrt(N). The two constants are tied: with v = w = beta for the 2N sublayers,
sum (v^2 + w^2) / alpha^2 = 4N * beta^2 / alpha^2 = 1 for every N.
"""

import math

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, check_at_most, main

from quiz.params import deepnorm_alpha, deepnorm_beta

D, B, T, V, LR = 32, 4, 8, 64, 1e-3  # width, batch, length, readout classes, Adam learning rate


def ln(x: torch.Tensor) -> torch.Tensor:
    return F.layer_norm(x, x.shape[-1:])


def deep_norm(x: torch.Tensor, fx: torch.Tensor, alpha: float) -> torch.Tensor:
    """The DeepNorm residual: up-weight the stream, add the sublayer output, then LayerNorm."""
    return ln(alpha * x + fx)


def attention(x, p):
    """(B, T, D) -> (B, T, D): one causal head."""
    t = x.shape[1]
    att = (x @ p["wq"]) @ (x @ p["wk"]).transpose(1, 2) / math.sqrt(x.shape[-1])  # (B, T, T)
    att = att.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf")).softmax(-1)
    return (att @ (x @ p["wv"])) @ p["wo"]


def ffn(x, p):
    return F.relu(x @ p["w1"]) @ p["w2"]


def xavier(fan_in, fan_out, g, gain=1.0):
    std = gain * math.sqrt(2 / (fan_in + fan_out))  # Xavier normal with a gain
    return std * torch.randn(fan_in, fan_out, generator=g, dtype=torch.float64)


def forward(x, layers, alpha, residual):
    for p in layers:
        x = residual(x, attention(x, p), alpha)
        x = residual(x, ffn(x, p), alpha)
    return x


def first_step_update(n_layers: int, alpha: float, beta: float, seed: int, residual) -> float:
    """||F(theta after one Adam step) - F(theta)|| / ||F(theta)|| on a fixed batch."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(B, T, D, generator=g, dtype=torch.float64)  # (B, T, D)
    w_out = torch.randn(D, V, generator=g, dtype=torch.float64) / math.sqrt(D)
    y = torch.randint(0, V, (B, T), generator=g)
    # q and k keep gain 1; the value, output and both FFN matrices get gain beta
    layers = [
        dict(wq=xavier(D, D, g), wk=xavier(D, D, g), wv=xavier(D, D, g, beta), wo=xavier(D, D, g, beta),
             w1=xavier(D, 4 * D, g, beta), w2=xavier(4 * D, D, g, beta))
        for _ in range(n_layers)
    ]
    params = [w.requires_grad_() for p in layers for w in p.values()]
    out = forward(x, layers, alpha, residual)
    loss = F.cross_entropy((out @ w_out).reshape(-1, V), y.reshape(-1))
    grads = torch.autograd.grad(loss, params)
    with torch.no_grad():
        for w, gw in zip(params, grads, strict=True):
            w -= LR * gw.sign()  # Adam's first step: m_hat / sqrt(v_hat) = sign(g)
        new = forward(x, layers, alpha, residual)
    return ((new - out).norm() / out.norm()).item()


def run(seed: int = 0, deep_norm=deep_norm, alpha_fn=deepnorm_alpha, beta_fn=deepnorm_beta) -> list:
    # the constants: 2N sublayers, each with v = w = beta, share one unit: 2N * 2 beta^2 / alpha^2 = 1
    budget_err = max(abs(2 * n * 2 * beta_fn(n) ** 2 / alpha_fn(n) ** 2 - 1) for n in (1, 6, 24, 96, 1000))
    # the residual itself against its definition, LN(alpha x + G(x)) with torch's layer_norm, at alpha = 64^(1/4)
    g = torch.Generator().manual_seed(seed)
    x, fx = (torch.randn(B, T, D, generator=g, dtype=torch.float64) for _ in range(2))  # (B, T, D)
    residual_err = (deep_norm(x, fx, 2 * 2**0.5) - F.layer_norm(2 * 2**0.5 * x + fx, (D,))).abs().max()

    def deepnet(n):
        return first_step_update(n, alpha_fn(n), beta_fn(n), seed, deep_norm)

    def post_ln(n):
        return first_step_update(n, 1.0, 1.0, seed, deep_norm)  # alpha = beta = 1 is plain Post-LN

    dn_2, dn_32 = deepnet(2), deepnet(32)
    post_2, post_8, post_32 = post_ln(2), post_ln(8), post_ln(32)
    # over seeds 0-29: DeepNorm 32-vs-2 ratio 3.40-3.84; DeepNorm/Post-LN at 32 layers 0.06-0.19;
    # Post-LN 8-vs-2 ratio 4.8-9.4
    return [
        check("update_budget_identity", 0.0, budget_err, abs_tol=1e-12),
        check("residual_is_ln_of_alpha_x_plus_fx", 0.0, residual_err, abs_tol=1e-12),  # float64 rounding only
        check("deepnorm_update_growth", math.sqrt(32 / 2), dn_32 / dn_2, rel_tol=0.25,
              note="32 vs 2 layers: ~sqrt(N)"),
        check_at_most("deepnorm_vs_postln_update", 0.25, dn_32 / post_32, note="at 32 layers"),
        check_at_least("postln_update_growth", 8 / 2, post_8 / post_2, note="8 vs 2 layers: at least as fast as N"),
    ]


if __name__ == "__main__":
    main(run)
