"""The masked-LM loss is the cross-entropy averaged over the selected (~15%) positions only: the
other positions carry label -100, F.cross_entropy's ignore_index, so their logits get exactly zero
gradient and do not change the loss.

The average divides by the number of selected positions, not by all positions. Each
sequence gives only ~15% as many prediction targets as a left-to-right LM gets from the
same tokens, which is why Devlin et al. (2019, appendix C.1) see MLM converge a little
more slowly per step.
"""

import torch
import torch.nn.functional as F
from _kit import check, main

IGNORE = -100


def mlm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """(B, T, V) logits, (B, T) labels with IGNORE where nothing is predicted -> scalar."""
    V = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), ignore_index=IGNORE)


def run(seed: int = 0, mlm_loss=mlm_loss) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, V = 4, 32, 50
    tokens = torch.randint(V, (B, T), generator=g)
    selected = torch.rand(B, T, generator=g) < 0.15  # (B, T)
    selected[0, 0] = True  # at least one target
    labels = torch.where(selected, tokens, torch.full_like(tokens, IGNORE))
    logits = torch.randn(B, T, V, generator=g, dtype=torch.float64, requires_grad=True)

    loss = mlm_loss(logits, labels)
    loss.backward()

    # by hand: -log softmax at the target = logsumexp - target logit, averaged over selected positions
    z = logits.detach()
    per_token = torch.logsumexp(z, dim=-1) - z.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)  # (B, T)
    n_sel = selected.sum()
    hand = per_token[selected].sum() / n_sel

    # closed-form gradient: (softmax - one_hot) / n_selected at selected positions, 0 elsewhere
    grad = (z.softmax(-1) - F.one_hot(tokens, V)) / n_sel * selected.unsqueeze(-1)  # (B, T, V)

    # scrambling the logits where nothing is predicted must not move the loss
    z2 = z.clone()
    z2[~selected] = 10 * torch.randn(int((~selected).sum()), V, generator=g, dtype=torch.float64)
    moved = (mlm_loss(z2, labels) - loss.detach()).abs()

    # float64: differences are rounding only
    return [
        check("loss_matches_hand_mean", hand, loss, abs_tol=1e-12),
        check("grad_matches_closed_form", 0.0, (logits.grad - grad).abs().max(), abs_tol=1e-12),
        check("grad_zero_at_unselected", 0.0, logits.grad[~selected].abs().max(), abs_tol=0.0),
        check("loss_ignores_unselected_logits", 0.0, moved, abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
