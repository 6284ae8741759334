"""In knowledge distillation the student matches the teacher's softened distribution softmax(z/T); the
gradient of that soft loss shrinks like 1/T² as the temperature T grows, so it is multiplied by T² to keep
its size independent of T (Hinton et al. 2015).

For one example, the gradient of KL(softmax(t/T) || softmax(s/T)) with respect to the student's logits s
is (q - p)/T, where q and p are the student's and teacher's softened probabilities. For large T,
q - p ≈ (s - t - mean(s - t))/(V·T) for V classes, so the gradient is ≈ (s - t - mean)/(V·T²).
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_most, main  # verifiers/ is on sys.path when run as a script or by the quiz


def soft_kl(student_logits, teacher_logits, T):
    """KL(teacher_T || student_T), averaged over the batch. (B, V), (B, V) -> scalar."""
    log_q = (student_logits / T).log_softmax(-1)
    log_p = (teacher_logits / T).log_softmax(-1)
    return (log_p.exp() * (log_p - log_q)).sum(-1).mean()


def distillation_loss(student_logits, teacher_logits, T):
    """The soft-target term as used in practice: scaled by T²."""
    return T**2 * soft_kl(student_logits, teacher_logits, T)


def grad_wrt_student(loss_fn, s, t, T):
    s = s.clone().requires_grad_()
    loss_fn(s, t, T).backward()
    return s.grad  # (B, V)


def run(seed: int = 0, loss_fn=distillation_loss) -> list:
    g = torch.Generator().manual_seed(seed)
    B, V = 32, 10
    s = 2 * torch.randn(B, V, generator=g, dtype=torch.float64)  # student logits
    t = 2 * torch.randn(B, V, generator=g, dtype=torch.float64)  # teacher logits

    # 1. The loss equals T² times PyTorch's KL divergence (reference), at T = 4.
    T = 4.0
    ref = T**2 * F.kl_div((s / T).log_softmax(-1), (t / T).softmax(-1), reduction="batchmean")
    # 2. Its gradient is T² · (q - p)/T / B = T·(q - p)/B (float64: agreement to rounding).
    closed = T * ((s / T).softmax(-1) - (t / T).softmax(-1)) / B
    err_grad = (grad_wrt_student(loss_fn, s, t, T) - closed).abs().max()

    # 3. Without the T² factor the gradient shrinks like 1/T²: doubling T from 10 to 20 divides it by ~4
    #    (3.98-4.05 over seeds 0-19; the rest is the higher-order terms in 1/T).
    raw = {T: grad_wrt_student(soft_kl, s, t, T).norm() for T in (10.0, 20.0)}
    # 4. Large-T limit: the gradient approaches (s - t - mean)/(V·T²·B); at T = 50 within 2-3%.
    d = s - t
    limit = (d - d.mean(-1, keepdim=True)) / (V * 50.0**2 * B)
    lim_err = (grad_wrt_student(soft_kl, s, t, 50.0) - limit).norm() / limit.norm()
    # 5. With the T² factor, the gradient is about as large at T = 20 as at T = 2 (0.91-1.05 over seeds 0-99).
    scaled = grad_wrt_student(loss_fn, s, t, 20.0).norm() / grad_wrt_student(loss_fn, s, t, 2.0).norm()

    return [
        check("loss_matches_kl_div", expected=ref, measured=loss_fn(s, t, T), rel_tol=1e-12),
        check("grad_matches_closed_form", expected=0.0, measured=err_grad, abs_tol=1e-12),
        check("raw_grad_ratio_T10_over_T20", expected=4.0, measured=raw[10.0] / raw[20.0], rel_tol=0.05),
        check_at_most("raw_grad_large_T_rel_error", 0.05, lim_err, note="vs (s - t - mean)/(V T² B), T = 50"),
        check("scaled_grad_ratio_T20_over_T2", expected=1.0, measured=scaled, rel_tol=0.15),
    ]


if __name__ == "__main__":
    main(run)
