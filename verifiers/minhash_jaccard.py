"""MinHash estimates the Jaccard similarity |A ∩ B| / |A ∪ B| of two documents' shingle sets: under a random
permutation of the shingles, the smallest element of A and of B coincide with probability exactly the
Jaccard similarity, so the fraction of matching entries in K-permutation signatures is an unbiased estimate
with standard deviation sqrt(J (1 - J) / K).

Broder 1997, "On the resemblance and containment of documents"; used for near-duplicate removal in LLM
pre-training data, e.g. Lee et al. 2022, "Deduplicating Training Data Makes Language Models Better", Sec. 4
(NearDup, approximate matching with MinHash).
"""

import math

import torch
from _kit import check, main


def signature(items: torch.Tensor, perms: torch.Tensor) -> torch.Tensor:
    """items (n,) shingle ids, perms (K, U) a rank for each shingle under K permutations -> (K,) min ranks."""
    return perms[:, items].min(dim=1).values


def estimate(sig_a: torch.Tensor, sig_b: torch.Tensor) -> float:
    return float((sig_a == sig_b).double().mean())


def run(seed: int = 0, signature=signature, estimate=estimate) -> list:
    g = torch.Generator().manual_seed(seed)
    U, K = 300, 2000  # universe of shingle ids, permutations
    perms = torch.rand(K, U, generator=g).argsort(dim=1)  # (K, U) random ranks
    ids = torch.randperm(U, generator=g)
    checks = []
    # A and B share `common` shingles and each has `own` private ones: J = common / (common + 2 own)
    for name, common, own in (("j_0.2", 40, 80), ("j_0.5", 100, 50), ("j_0.8", 160, 20)):
        a = ids[: common + own]
        b = torch.cat([ids[:common], ids[common + own : common + 2 * own]])
        j = common / (common + 2 * own)
        sd = math.sqrt(j * (1 - j) / K)
        checks.append(check(f"estimate_{name}", j, estimate(signature(a, perms), signature(b, perms)), abs_tol=4.5 * sd,
                            note=f"4.5 sd = {4.5 * sd:.3f}"))  # fmt: skip
    same = ids[:50]
    checks.append(check("identical_is_1", 1.0, estimate(signature(same, perms), signature(same.flip(0), perms)), abs_tol=0))
    checks.append(check("disjoint_is_0", 0.0, estimate(signature(ids[:50], perms), signature(ids[50:120], perms)),
                        abs_tol=0))  # fmt: skip
    return checks


if __name__ == "__main__":
    main(run)
