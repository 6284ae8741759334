"""An expert with capacity C = capacity_factor * k * T / N slots processes at most C of the tokens routed
to it; the rest are dropped (they skip the layer through the residual). With random top-1 routing of
T = 1024 tokens to N = 8 experts, capacity factor 1.0 drops about 3.3% of the tokens (the binomial
expectation), 1.25 drops almost none, and perfectly balanced routing drops nothing at 1.0.

Fedus et al. 2022 (Switch Transformers), Sec. 2.2, eq. 3: expert capacity = tokens per batch / number of
experts * capacity factor; Lepikhin et al. 2021 (GShard), Sec. 2.2 (top-2, capacity 2T/N).
"""

import math

import torch
from _kit import check, check_at_most, check_true, main

from quiz.params_context_moe_eval import expert_capacity


def dispatch(expert: torch.Tensor, n_experts: int, capacity: int) -> torch.Tensor:
    """expert (A,) assignments in priority order -> (A,) bool: kept if its expert still had a free slot."""
    one_hot = torch.nn.functional.one_hot(expert, n_experts)  # (A, N)
    slot = (one_hot.cumsum(0) * one_hot).sum(-1) - 1  # (A,) 0-based arrival index at its expert
    return slot < capacity


def expected_drop_fraction(T: int, N: int, C: int) -> float:
    """Exact: N * E[max(0, n - C)] / T with n ~ Binomial(T, 1/N) tokens at one expert."""
    p = 1 / N
    e = sum(math.comb(T, n) * p**n * (1 - p) ** (T - n) * (n - C) for n in range(C + 1, T + 1))
    return N * e / T


def run(seed: int = 0, capacity_fn=expert_capacity, dispatch=dispatch) -> list:
    g = torch.Generator().manual_seed(seed)
    T, N, trials = 1024, 8, 400

    def drop_rate(cf: float) -> float:
        C = int(capacity_fn(tokens=T, n_experts=N, capacity_factor=cf, top_k=1))
        routes = torch.randint(0, N, (trials, T), generator=g)  # uniform random top-1 routing
        kept = sum(int(dispatch(r, N, C).sum()) for r in routes)
        return 1 - kept / (trials * T)

    # top-2 with balanced routing: the smallest capacity that drops nothing, found by trying them all
    balanced2 = torch.stack([torch.arange(T) % N, (torch.arange(T) + 1) % N], 1).reshape(-1)  # (2T,)
    smallest = next(c for c in range(1, 2 * T) if bool(dispatch(balanced2, N, c).all()))
    skewed = torch.randint(0, 3, (T,), generator=g)  # only experts 0-2 chosen
    C = int(capacity_fn(tokens=T, n_experts=N, capacity_factor=1.0, top_k=1))
    kept_per_expert = torch.bincount(skewed[dispatch(skewed, N, C)], minlength=N)

    r1, r125 = drop_rate(1.0), drop_rate(1.25)
    return [
        check("capacity_top2_cf1", smallest, capacity_fn(tokens=T, n_experts=N, capacity_factor=1.0, top_k=2),
              abs_tol=0, note="smallest capacity with no drops, balanced top-2"),  # fmt: skip
        check("drop_rate_cf1_random", expected_drop_fraction(T, N, 128), r1, rel_tol=0.08,
              note="400 batches; binomial expectation"),  # fmt: skip
        check("drop_rate_cf1.25_random", expected_drop_fraction(T, N, 160), r125, abs_tol=5e-4),
        check("balanced_cf1_drops_nothing", 0, int((~dispatch(torch.arange(T) % N, N, C)).sum()), abs_tol=0),
        check_at_most("kept_at_most_capacity", C, kept_per_expert.max(), note="3 experts take 1024 tokens"),
        check_true("overloaded_expert_is_full", int(kept_per_expert.max()) == C),
    ]


if __name__ == "__main__":
    main(run)
