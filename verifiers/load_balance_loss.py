"""The Switch Transformer load-balancing loss N * sum_i f_i * P_i (f_i: fraction of tokens sent to expert
i, P_i: mean router probability of expert i) equals 1 when routing is uniform, grows when the load is
skewed (2 when half of the experts take all tokens) and reaches its maximum N when every token goes to
one expert with probability 1. Only P carries a gradient; f is a count.

Fedus et al. 2022, "Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient
Sparsity", Sec. 2.2, eqs. 4-6 (the loss is multiplied by alpha = 1e-2 in the total loss).
"""

import torch
from _kit import check, main

from quiz.params_context_moe_eval import switch_aux_loss_collapsed


def aux_loss(probs: torch.Tensor, expert: torch.Tensor, n_experts: int) -> torch.Tensor:
    """probs (T, N) router softmax, expert (T,) chosen index (top-1) -> N * sum_i f_i P_i."""
    f = torch.bincount(expert, minlength=n_experts).to(probs.dtype) / len(expert)  # (N,) no gradient
    P = probs.mean(0)  # (N,)
    return n_experts * (f * P).sum()


def loop_reference(probs, expert, n_experts):
    """The same quantity written token by token: N/T^2 * sum over token pairs (t, u) of p_u[expert_t]."""
    T = len(expert)
    total = 0.0
    for t in range(T):
        total += float(probs[:, int(expert[t])].sum())
    return n_experts * total / (T * T)


def run(seed: int = 0, loss_fn=aux_loss) -> list:
    g = torch.Generator().manual_seed(seed)
    N, T = 8, 256
    # uniform: each expert gets T/N tokens and every router probability is 1/N
    uni_p = torch.full((T, N), 1 / N, dtype=torch.float64)
    uni_e = torch.arange(T) % N
    # half of the experts take everything, router probabilities follow the load
    half_p = torch.zeros(T, N, dtype=torch.float64)
    half_p[:, : N // 2] = 2 / N
    half_e = torch.arange(T) % (N // 2)
    # collapsed: all tokens to expert 3 with probability 1
    col_p = torch.zeros(T, N, dtype=torch.float64)
    col_p[:, 3] = 1.0
    col_e = torch.full((T,), 3)
    # random router
    logits = torch.randn(T, N, generator=g, dtype=torch.float64) * 2
    rnd_p = logits.softmax(-1)
    rnd_e = rnd_p.argmax(-1)
    # gradient flows through P only: d loss / d probs[t, i] = N * f_i / T
    p_leaf = rnd_p.clone().requires_grad_(True)
    loss_fn(p_leaf, rnd_e, N).backward()
    f = torch.bincount(rnd_e, minlength=N).double() / T
    return [
        check("uniform_routing_is_1", 1.0, loss_fn(uni_p, uni_e, N), rel_tol=1e-12),
        check("half_the_experts_is_2", 2.0, loss_fn(half_p, half_e, N), rel_tol=1e-12),
        check("collapsed_is_N", switch_aux_loss_collapsed(N), loss_fn(col_p, col_e, N), rel_tol=1e-12),
        check("random_matches_loop", loop_reference(rnd_p, rnd_e, N), loss_fn(rnd_p, rnd_e, N), rel_tol=1e-10),
        check("grad_is_N_f_over_T", 0.0, (p_leaf.grad - N * f / T).abs().max(), abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
