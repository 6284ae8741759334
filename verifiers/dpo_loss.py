"""The DPO loss of a preference pair is -log sigmoid(beta * margin), with margin the chosen answer's policy
log-ratio minus the rejected one's, each log-ratio taken against a frozen reference model:
margin = (log pi(y_w|x) - log ref(y_w|x)) - (log pi(y_l|x) - log ref(y_l|x)). At the start (policy =
reference) it equals ln 2 = 0.693 for every pair, and its gradient with respect to the chosen log-probability
is -beta * sigmoid(-beta * margin): pairs the policy already orders correctly by a wide margin get little weight.
"""

import math

import torch
import torch.nn.functional as F
from _kit import check, main

from quiz.params_tuning_scaling import dpo_loss_value


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta: float):
    """Sequence log-probabilities (N,) -> mean loss over the N pairs."""
    margin = (pi_chosen - ref_chosen) - (pi_rejected - ref_rejected)
    return -F.logsigmoid(beta * margin).mean()


def run(seed: int = 0, loss_fn=dpo_loss) -> list:
    g = torch.Generator().manual_seed(seed)
    beta = 0.1
    # one pair by hand: policy log-probs -12 (chosen) and -15 (rejected); reference -13 and -14
    # margin = (-12 + 13) - (-15 + 14) = 2; loss = log(1 + e^-0.2) = 0.598139...
    hand = loss_fn(torch.tensor([-12.0]), torch.tensor([-15.0]), torch.tensor([-13.0]), torch.tensor([-14.0]), beta)

    ref_c = -20 - 5 * torch.rand(6, generator=g, dtype=torch.float64)
    ref_r = -20 - 5 * torch.rand(6, generator=g, dtype=torch.float64)
    at_init = loss_fn(ref_c.clone(), ref_r.clone(), ref_c, ref_r, beta)

    pi_c = (ref_c + torch.randn(6, generator=g, dtype=torch.float64)).requires_grad_()
    pi_r = (ref_r + torch.randn(6, generator=g, dtype=torch.float64)).requires_grad_()
    loss = loss_fn(pi_c, pi_r, ref_c, ref_r, beta)
    loss.backward()
    margin = ((pi_c - ref_c) - (pi_r - ref_r)).detach()
    weight = torch.sigmoid(-beta * margin)  # how wrong the implicit reward model is on each pair
    n = len(margin)
    return [
        check("hand_pair_loss", math.log(1 + math.exp(-0.2)), hand, rel_tol=1e-6),
        check("formula_vs_hand", math.log(1 + math.exp(-0.2)), dpo_loss_value(0.1, 2.0), rel_tol=1e-12),
        check("loss_at_init_is_ln2", math.log(2), at_init, rel_tol=1e-12),
        check("grad_chosen_vs_beta_sigmoid", 0.0, (pi_c.grad - (-beta * weight / n)).abs().max(), abs_tol=1e-12),
        check("grad_rejected_vs_beta_sigmoid", 0.0, (pi_r.grad - beta * weight / n).abs().max(), abs_tol=1e-12),
        check("batch_loss_vs_formula", sum(dpo_loss_value(beta, m) for m in margin.tolist()) / n, loss,
              rel_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
