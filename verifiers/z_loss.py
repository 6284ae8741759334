"""The z-loss alpha * (log Z)^2, with log Z = logsumexp of the output logits, has gradient
2 * alpha * log Z * softmax(z) with respect to the logits. Cross-entropy alone cannot pin the logits'
common shift (its gradient p - y sums to 0, so the mean logit never moves and log Z stays near 20 here);
with the z-loss added the optimum is the same distribution with log Z = 0, i.e. logits = log-probabilities.

Chowdhery et al. 2022, "PaLM: Scaling Language Modeling with Pathways", Sec. 5 (Training setup, "Loss
function": z-loss with coefficient 1e-4 to encourage the softmax normaliser log(Z) to be close to 0);
also Zoph et al. 2022, "ST-MoE", Sec. 3.3, eq. 5 (router z-loss).
"""

import torch
from _kit import check, check_at_least, check_at_most, main

from quiz.params_context_moe_eval import z_loss_value


def z_loss(logits: torch.Tensor, alpha: float) -> torch.Tensor:
    """(B, V) logits -> alpha * mean over the batch of logsumexp(z)^2."""
    return alpha * torch.logsumexp(logits, -1).pow(2).mean()


def descend(target: torch.Tensor, start: torch.Tensor, alpha: float, z_loss_fn, steps: int = 400) -> torch.Tensor:
    """Plain gradient descent on free logits: soft-target cross-entropy (+ z-loss if alpha > 0)."""
    z = start.clone()
    for _ in range(steps):
        z.requires_grad_(True)
        loss = -(target * z.log_softmax(-1)).sum(-1).mean()
        if alpha:
            loss = loss + z_loss_fn(z, alpha)
        (grad,) = torch.autograd.grad(loss, z)
        z = (z - 4.0 * grad).detach()
    return z


def total_grad(z: torch.Tensor, target: torch.Tensor, alpha: float, z_loss_fn) -> torch.Tensor:
    z = z.clone().requires_grad_(True)
    loss = -(target * z.log_softmax(-1)).sum(-1).mean() + z_loss_fn(z, alpha)
    return torch.autograd.grad(loss, z)[0]


def run(seed: int = 0, z_loss_fn=z_loss) -> list:
    g = torch.Generator().manual_seed(seed)
    B, V, alpha = 4, 16, 0.1
    z = torch.randn(B, V, generator=g, dtype=torch.float64).requires_grad_(True)
    z_loss_fn(z, alpha).backward()
    log_z = torch.logsumexp(z.detach(), -1, keepdim=True)
    closed = 2 * alpha * log_z * z.detach().softmax(-1) / B  # the mean over B rows adds 1/B

    target = torch.randn(B, V, generator=g, dtype=torch.float64).softmax(-1)  # (B, V)
    start = torch.randn(B, V, generator=g, dtype=torch.float64)
    start = start - torch.logsumexp(start, -1, keepdim=True) + 20.0  # log Z = 20 exactly
    with_z = descend(target, start, 0.5, z_loss_fn)
    without = descend(target, start, 0.0, z_loss_fn)
    at_optimum = total_grad(target.log(), target, alpha, z_loss_fn)  # (B, V)
    shifted = total_grad(target.log() + 20, target, alpha, z_loss_fn)  # (B, V)
    return [
        check("grad_closed_form", 0.0, (z.grad - closed).abs().max(), abs_tol=1e-12),
        check("value_at_log_z_20", z_loss_value(20.0, 1e-4), z_loss_fn(torch.full((1, 1), 20.0, dtype=torch.float64), 1e-4),
              rel_tol=1e-12, note="PaLM's 1e-4 at log Z = 20: 0.04 per token"),  # fmt: skip
        check("optimum_at_log_probs", 0.0, at_optimum.abs().max(), abs_tol=1e-12,
              note="CE + z-loss is stationary at logits = log target (log Z = 0)"),  # fmt: skip
        check("shifted_grad_sum", 2 * alpha * 20.0 / B, shifted.sum(-1).max(), rel_tol=1e-9,
              note="shift by 20: the gradient's row sum is 2 alpha log Z / B"),  # fmt: skip
        check_at_most("descent_drives_log_z_to_0", 0.02, torch.logsumexp(with_z, -1).abs().max(), note="from 20"),
        check("ce_alone_keeps_mean_logit", 0.0, (without.mean(-1) - start.mean(-1)).abs().max(), abs_tol=1e-9),
        check_at_least("ce_alone_log_z_stays_large", 19.0, torch.logsumexp(without, -1).min()),
    ]


if __name__ == "__main__":
    main(run)
