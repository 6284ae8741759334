"""Cross-entropy over a vocabulary is logsumexp(logits) - logit[target], averaged over positions; it
matches F.cross_entropy, equals ln V for uniform logits (ln 32000 ~ 10.37), and its gradient with
respect to the logits is softmax - one_hot.

Writing it with logsumexp (subtract the max before exponentiating) is what keeps it
finite for large logits; -log(softmax) computed naively overflows. A freshly initialised
language model starts near ln V, a useful sanity check of the first logged loss.
"""

import torch
import torch.nn.functional as F
from _kit import check, main

from quiz.params import uniform_cross_entropy


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(N, V) logits, (N,) class ids -> mean of -log p(target)."""
    target_logit = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # (N,)
    return (torch.logsumexp(logits, dim=-1) - target_logit).mean()


def run(seed: int = 0, cross_entropy=cross_entropy) -> list:
    g = torch.Generator().manual_seed(seed)
    N, V = 64, 1000
    logits = (3 * torch.randn(N, V, generator=g, dtype=torch.float64)).requires_grad_()  # (N, V)
    targets = torch.randint(V, (N,), generator=g)

    loss = cross_entropy(logits, targets)
    loss.backward()
    z = logits.detach()
    grad = (z.softmax(-1) - F.one_hot(targets, V)) / N  # (N, V) closed form of d loss / d logits

    big = 1000 * z  # logits in the thousands: exp() overflows float64 above ~709
    V_llama = 32000
    uniform = cross_entropy(torch.zeros(4, V_llama, dtype=torch.float64), torch.tensor([0, 1, 2, 31999]))

    # float64 throughout: differences are rounding only
    return [
        check("matches_torch", F.cross_entropy(z, targets), loss, rel_tol=1e-12),
        check("uniform_is_ln_v", uniform_cross_entropy(V_llama), uniform, rel_tol=1e-12, note="V = 32000"),
        check("shift_invariant", loss, cross_entropy(z + 100.0, targets), rel_tol=1e-12),
        check("large_logits_stable", F.cross_entropy(big, targets), cross_entropy(big, targets),
              rel_tol=1e-12),
        check("grad_softmax_minus_onehot", 0.0, (logits.grad - grad).abs().max(), abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
