"""DeepSeek-V3's auxiliary-loss-free balancing adds a per-expert bias b_i to the routing scores for the
top-k choice only, and after each step lowers b_i by gamma for overloaded experts and raises it for
underloaded ones. This balances the load (max load / mean load falls from above 3 to under 1.1 in
this simulation) while the gating weights stay the unbiased scores of the chosen experts, renormalised.

DeepSeek-AI 2024, "DeepSeek-V3 Technical Report", Sec. 2.1.2, eqs. 12-16 (sigmoid affinities, bias used
for selection only, update speed gamma); Wang et al. 2024, "Auxiliary-Loss-Free Load Balancing Strategy
for Mixture-of-Experts". No gradient and no extra loss term is involved: the bias is not a parameter.
"""

import torch
from _kit import check, check_at_least, check_at_most, main


def route(scores: torch.Tensor, bias: torch.Tensor, k: int):
    """scores (T, N) sigmoid affinities -> chosen (T, k) and gates (T, k) that sum to 1 per token."""
    chosen = (scores + bias).topk(k, dim=-1).indices  # the bias decides who is chosen...
    s = scores.gather(-1, chosen)  # ...but the gate uses the original scores
    return chosen, s / s.sum(-1, keepdim=True)


def update(bias: torch.Tensor, load: torch.Tensor, gamma: float) -> torch.Tensor:
    """load (N,) tokens per expert this step: overloaded experts get a lower bias, underloaded a higher one."""
    return bias + gamma * torch.sign(load.mean() - load)


def max_violation(load: torch.Tensor) -> float:
    return float(load.max() / load.mean())


def run(seed: int = 0, route=route, update=update) -> list:
    g = torch.Generator().manual_seed(seed)
    T, N, k, d, steps, gamma = 512, 16, 2, 32, 200, 0.02
    centroids = torch.randn(N, d, generator=g, dtype=torch.float64) / d**0.5  # (N, d)
    preference = torch.linspace(-1.5, 1.5, N, dtype=torch.float64)  # some experts are simply favoured
    bias = torch.zeros(N, dtype=torch.float64)
    history, loads = [], []
    for _ in range(steps):
        x = torch.randn(T, d, generator=g, dtype=torch.float64)  # a fresh batch of token states
        scores = torch.sigmoid(x @ centroids.T + preference)  # (T, N)
        chosen, gates = route(scores, bias, k)
        load = torch.bincount(chosen.reshape(-1), minlength=N).double()  # (N,)
        history.append(max_violation(load))
        loads.append(load)
        bias = update(bias, load, gamma)

    # gates of the last batch against an independent gather of the unbiased scores
    ref = scores[torch.arange(T)[:, None], chosen]  # (T, k) advanced indexing
    ref = ref / ref.sum(-1, keepdim=True)
    late = max_violation(torch.stack(loads[-50:]).sum(0))  # load summed over the last 50 steps
    return [
        check_at_least("imbalance_at_start", 3.0, history[0], note="max load / mean load, bias = 0"),
        check_at_most("imbalance_after_balancing", 1.1, late, note="load summed over the last 50 steps"),
        check("gates_use_unbiased_scores", 0.0, (gates - ref).abs().max(), abs_tol=1e-12),
        check("gates_sum_to_one", 1.0, gates.sum(-1).min(), rel_tol=1e-12),
        check_at_least("favoured_expert_bias_lowered", 0.3, float(bias[0] - bias[-1]),
                       note="expert 15 (most favoured) ends with a bias well below expert 0"),  # fmt: skip
    ]


if __name__ == "__main__":
    main(run)
