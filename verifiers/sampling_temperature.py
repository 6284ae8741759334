"""Sampling with temperature T uses softmax(z / T): as T -> 0 all the probability goes to the argmax (greedy
decoding), as T -> infinity the distribution becomes uniform, and the entropy grows steadily with T.

With β = 1/T, dH/dβ = -β·Var_p(z) <= 0 (Var_p is the variance of the logits under p), so the entropy H can
only increase as T increases, from 0 (one token) to ln V (all V tokens equally likely).
"""

import math

import torch
from _kit import check, check_true, main  # verifiers/ is on sys.path when run as a script or by the quiz


def temperature_probs(logits: torch.Tensor, T: float) -> torch.Tensor:
    """(..., V) logits -> (..., V) probabilities at temperature T."""
    return torch.softmax(logits / T, dim=-1)


def entropy(p: torch.Tensor) -> torch.Tensor:
    return -(p * p.clamp_min(1e-300).log()).sum(-1)


def run(seed: int = 0, probs=temperature_probs) -> list:
    g = torch.Generator().manual_seed(seed)
    V = 50
    z = 2.0 * torch.randn(V, generator=g, dtype=torch.float64)  # (V,) logits
    top2 = z.topk(2).values
    gap = float(top2[0] - top2[1])  # how far the best logit is ahead of the runner-up

    # T -> 0: at T = gap / 40 every other token has at most exp(-40) times the top token's probability,
    # so the top token holds at least 1 - (V-1)·exp(-40) = 1 - 2e-16 of the mass.
    p_cold = probs(z, gap / 40)
    samples = torch.multinomial(p_cold, 1000, replacement=True, generator=g)  # (1000,)

    # T -> infinity: at T = 1e4 every probability is within a factor exp(range(z) / T) ~ 1.001 of 1/V.
    p_hot = probs(z, 1e4)

    # Entropy along a grid of temperatures from cold to hot must increase at every step.
    temps = torch.logspace(-2, 2, 41).tolist()
    H = torch.stack([entropy(probs(z, T)) for T in temps])  # (41,)

    # The slope dH/dβ = -β·Var_p(z) at β = 1/T = 1: central finite difference (error ~h² ~ 1e-10) vs formula.
    beta, h = 1.0, 1e-5
    slope = (entropy(probs(z, 1 / (beta + h))) - entropy(probs(z, 1 / (beta - h)))) / (2 * h)
    p1 = torch.softmax(beta * z, -1)
    var_p = (p1 * z**2).sum() - (p1 * z).sum() ** 2

    return [
        check("cold_top_token_prob", expected=1.0, measured=p_cold.max(), abs_tol=1e-12),
        check("cold_samples_all_argmax", expected=1000, measured=(samples == z.argmax()).sum(), abs_tol=0),
        check("hot_max_abs_dev_from_uniform", expected=0.0, measured=(p_hot - 1 / V).abs().max(),
              abs_tol=1e-2 / V),
        check("hot_entropy_equals_ln_v", expected=math.log(V), measured=entropy(p_hot), abs_tol=1e-4),
        check_true("entropy_increases_with_T", bool((H[1:] > H[:-1]).all())),
        check("entropy_slope_formula", expected=-beta * var_p, measured=slope, rel_tol=1e-6),
        check("T1_is_plain_softmax", expected=0.0,
              measured=(probs(z, 1.0) - torch.softmax(z, -1)).abs().max(), abs_tol=1e-15),
    ]


def figures(seed: int = 0, probs=temperature_probs) -> list:
    """Entropy against temperature (log axis), and the top-10 token probabilities at T = 0.5, 1 and 2."""
    from _kit import bar_figure, line_figure, series

    g = torch.Generator().manual_seed(seed)
    V = 50
    z = 2.0 * torch.randn(V, generator=g, dtype=torch.float64)  # (V,) logits, the same draw as run()
    temps = torch.logspace(-2, 2, 41).tolist()
    H = [entropy(probs(z, T)).item() for T in temps]
    top = z.argsort(descending=True)[:10]  # the 10 most likely tokens at every temperature
    return [
        line_figure("entropy_vs_temperature", "Entropy of softmax(z / T) against T (V = 50)",
                    ("temperature T", "", True, "温度 T"), ("entropy", "nats", False, "熵"),
                    [series("entropy", temps, H, "熵"), series("ln V", temps, [math.log(V)] * len(temps))],
                    title_zh="softmax(z / T) 的熵随温度 T 的变化（V = 50）",
                    note=f"rises from {H[0]:.2f} (greedy) toward ln V = {math.log(V):.2f} (uniform)",
                    note_zh=f"从 {H[0]:.2f}（贪心）升向 ln V = {math.log(V):.2f}（均匀）"),
        bar_figure("top10_by_temperature", "Probability of the 10 most likely tokens", [str(i) for i in range(1, 11)],
                   ("rank", "", False, "排名"), ("probability", "", False, "概率"),
                   {f"T = {T:g}": probs(z, T)[top].tolist() for T in (0.5, 1.0, 2.0)},
                   title_zh="最可能的 10 个 token 的概率",
                   note="a lower temperature sharpens the distribution, a higher one flattens it",
                   note_zh="温度越低分布越尖锐，越高越平坦"),
    ]


if __name__ == "__main__":
    main(run)
