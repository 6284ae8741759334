"""Clipping by global norm computes one norm over the gradients of all parameters together and, when it
exceeds max_norm, multiplies every gradient by the same factor max_norm / total_norm: the update keeps its
direction and its norm becomes max_norm. Clipping each tensor by its own norm instead changes the
direction, and gradients already under the threshold are left untouched.

Pascanu et al. 2013, "On the difficulty of training recurrent neural networks", Sec. 3.2, Algorithm 1;
torch.nn.utils.clip_grad_norm_ (the reference here). LLM pre-training commonly clips at 1.0, e.g. Touvron et
al. 2023 (LLaMA), Sec. 2.3.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_most, main

from quiz.params_context_moe_eval import clip_coef


def clip_global(grads: list, max_norm: float) -> list:
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    coef = clip_coef(float(total), max_norm)
    return [g * coef for g in grads]


def flat(gs: list) -> torch.Tensor:
    return torch.cat([g.reshape(-1) for g in gs])


def run(seed: int = 0, clip=clip_global) -> list:
    g = torch.Generator().manual_seed(seed)
    shapes = [(64, 32), (32,), (32, 16), (16,)]
    scales = [5.0, 0.1, 2.0, 0.01]  # very different per-tensor norms
    grads = [torch.randn(s, generator=g, dtype=torch.float64) * c for s, c in zip(shapes, scales, strict=True)]
    max_norm = 1.0
    out = clip(grads, max_norm)

    params = [torch.nn.Parameter(torch.zeros(s, dtype=torch.float64)) for s in shapes]
    for p, gr in zip(params, grads, strict=True):
        p.grad = gr.clone()
    torch.nn.utils.clip_grad_norm_(params, max_norm)  # coef = max_norm / (total + 1e-6)
    ref = [p.grad for p in params]

    per_tensor = [gr * min(1.0, max_norm / float(gr.norm())) for gr in grads]  # the wrong idea, for contrast
    small = [gr * 1e-3 for gr in grads]
    return [
        check("matches_torch_clip_grad_norm", 0.0, (flat(out) - flat(ref)).abs().max(), abs_tol=1e-6),
        check("norm_after_is_max_norm", max_norm, flat(out).norm(), rel_tol=1e-12),
        check("direction_kept", 1.0, F.cosine_similarity(flat(out), flat(grads), dim=0), abs_tol=1e-12),
        check("small_grads_untouched", 0.0, (flat(clip(small, max_norm)) - flat(small)).abs().max(), abs_tol=0),
        check_at_most("per_tensor_clipping_turns_direction", 0.999,
                      F.cosine_similarity(flat(per_tensor), flat(grads), dim=0)),  # fmt: skip
    ]


if __name__ == "__main__":
    main(run)
