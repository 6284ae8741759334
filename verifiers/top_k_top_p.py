"""Top-k sampling keeps the k most probable tokens and renormalises them; top-p (nucleus) sampling keeps the
smallest set of most probable tokens whose total probability is at least p, and renormalises that set.

Hand example: probabilities 0.5, 0.2, 0.15, 0.1, 0.05 and p = 0.8. The first two hold 0.7 < 0.8, the first
three hold 0.85 >= 0.8, so the nucleus is three tokens and the kept probabilities become 0.5/0.85,
0.2/0.85 and 0.15/0.85. Keeping tokens only while the running total stays below p (a common off-by-one)
keeps two tokens with mass 0.7, less than p.
"""

import torch
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz


def top_k_filter(probs: torch.Tensor, k: int) -> torch.Tensor:
    """(..., V) -> (..., V): zero all but the k largest, renormalise."""
    kth = probs.topk(k, dim=-1).values[..., -1:]  # (..., 1) the k-th largest probability
    kept = torch.where(probs >= kth, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)


def top_p_filter(probs: torch.Tensor, p: float) -> torch.Tensor:
    """(..., V) -> (..., V): keep the smallest prefix of the sorted tokens with mass >= p, renormalise."""
    sorted_p, order = probs.sort(dim=-1, descending=True)  # (..., V)
    mass_before = sorted_p.cumsum(-1) - sorted_p  # probability of the strictly more likely tokens
    keep_sorted = mass_before < p  # a token is needed while the tokens before it hold less than p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)  # back to vocabulary order
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)


def reference_top_p(row: list, p: float) -> list:
    """Plain-Python reference for one distribution: grow the set token by token until its mass reaches p."""
    order = sorted(range(len(row)), key=lambda i: -row[i])
    chosen, mass = [], 0.0
    for i in order:
        chosen.append(i)
        mass += row[i]
        if mass >= p:
            break
    return [row[i] / mass if i in chosen else 0.0 for i in range(len(row))]


def run(seed: int = 0, top_k=top_k_filter, top_p=top_p_filter) -> list:
    g = torch.Generator().manual_seed(seed)

    # Hand example.
    hand = torch.tensor([0.5, 0.2, 0.15, 0.1, 0.05], dtype=torch.float64)
    nucleus = top_p(hand, 0.8)
    expected_nucleus = torch.tensor([0.5, 0.2, 0.15, 0, 0], dtype=torch.float64) / 0.85

    # Random distributions over V = 100 tokens (peaked, like an LM's next-token distribution).
    N, V, k = 200, 100, 10
    probs = torch.softmax(2.0 * torch.randn(N, V, generator=g, dtype=torch.float64), -1)  # (N, V)

    # top-k: exactly k survivors, each scaled by the same factor 1 / (mass of the top k).
    tk = top_k(probs, k)  # (N, V)
    topk_vals, topk_idx = probs.topk(k, dim=-1)
    expected_tk = torch.zeros_like(probs).scatter(-1, topk_idx, topk_vals / topk_vals.sum(-1, keepdim=True))

    # top-p: compare with the plain-Python reference, and test the two defining properties directly.
    worst_err, below_p, not_minimal = 0.0, 0, 0
    for p in (0.5, 0.9, 0.95):
        tp = top_p(probs, p)  # (N, V)
        ref = torch.tensor([reference_top_p(row, p) for row in probs.tolist()], dtype=torch.float64)
        worst_err = max(worst_err, float((tp - ref).abs().max()))
        kept_mass = torch.where(tp > 0, probs, torch.zeros_like(probs)).sum(-1)  # (N,) original mass kept
        smallest_kept = torch.where(tp > 0, probs, torch.full_like(probs, 2.0)).min(-1).values  # (N,)
        below_p += int((kept_mass < p).sum())  # must reach p
        not_minimal += int((kept_mass - smallest_kept >= p).sum())  # without its least likely token: < p

    return [
        check("hand_nucleus_size", expected=3, measured=(nucleus > 0).sum(), abs_tol=0),
        check("hand_nucleus_probs_max_error", expected=0.0, measured=(nucleus - expected_nucleus).abs().max(),
              abs_tol=1e-12),
        check("top_k_survivors", expected=N * k, measured=(tk > 0).sum(), abs_tol=0),
        check("top_k_max_error", expected=0.0, measured=(tk - expected_tk).abs().max(), abs_tol=1e-12),
        check("top_p_max_error_vs_reference", expected=0.0, measured=worst_err, abs_tol=1e-12),
        check("top_p_sets_below_p", expected=0, measured=below_p, abs_tol=0),
        check("top_p_sets_not_smallest", expected=0, measured=not_minimal, abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
