"""Activation checkpointing trades compute for memory: with every block checkpointed only each block's input is
kept for the backward pass (the block's intermediates are recomputed from it), so saved activation memory
drops from all intermediates to one tensor per block, at the cost of one extra forward per block; the
gradients are unchanged.

Checkpointing is written out as a small autograd.Function (forward without a graph, backward recomputes the
block and back-propagates through the recomputation; torch.utils.checkpoint does the same but importing it
costs more than this whole verifier). Saved tensors are counted with torch.autograd.graph.saved_tensors_hooks
on a stack of MLP blocks (Linear d->4d, GeLU, Linear 4d->d, residual); the count without checkpointing is
derived by hand from what each op saves for backward.
"""

import torch
import torch.nn.functional as F
from _kit import check, main

FORWARD_CALLS = {"n": 0}


def block(x, w1, w2):
    FORWARD_CALLS["n"] += 1
    return x + F.gelu(x @ w1) @ w2  # (B, d) -> (B, d)


class Checkpoint(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w1, w2):
        ctx.save_for_backward(x, w1, w2)  # only the block input (and the weights, which exist anyway)
        with torch.no_grad():
            return block(x, w1, w2)

    @staticmethod
    def backward(ctx, grad_out):
        x, w1, w2 = ctx.saved_tensors
        with torch.enable_grad():
            x_, w1_, w2_ = (t.detach().requires_grad_(True) for t in (x, w1, w2))
            out = block(x_, w1_, w2_)  # the recomputation: a second forward of this block
            # <out, grad_out> has the same gradient as out.backward(grad_out), without importing sympy
            return torch.autograd.grad((out * grad_out).sum(), (x_, w1_, w2_))


def forward(x, weights, use_checkpoint: bool):
    for w1, w2 in weights:
        x = Checkpoint.apply(x, w1, w2) if use_checkpoint else block(x, w1, w2)
    return x


def saved_activation_elements(x, weights, use_checkpoint: bool, forward_fn=forward):
    """Elements of activation tensors saved for backward (weights excluded), and the output."""
    sizes: list[int] = []
    weight_ids = {id(w) for pair in weights for w in pair}

    def pack(t):
        if id(t) not in weight_ids:
            sizes.append(t.numel())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = forward_fn(x, weights, use_checkpoint)
    return sum(sizes), out


def run(seed: int = 0, forward_fn=forward) -> list:
    g = torch.Generator().manual_seed(seed)
    B, d, L = 4, 16, 6
    weights = [(torch.randn(d, 4 * d, generator=g, dtype=torch.float64) / d**0.5,
                torch.randn(4 * d, d, generator=g, dtype=torch.float64) / (4 * d) ** 0.5) for _ in range(L)]
    weights = [(w1.requires_grad_(), w2.requires_grad_()) for w1, w2 in weights]  # leaves
    x = torch.randn(B, d, generator=g, dtype=torch.float64, requires_grad=True)
    leaves = [x] + [w for pair in weights for w in pair]

    plain, out_plain = saved_activation_elements(x, weights, False)  # the reference: no checkpointing
    grads_plain = torch.autograd.grad(out_plain.sum(), leaves)
    FORWARD_CALLS["n"] = 0
    ckpt, out_ckpt = saved_activation_elements(x, weights, True, forward_fn)
    grads_ckpt = torch.autograd.grad(out_ckpt.sum(), leaves, allow_unused=True)
    pairs = zip(grads_plain, grads_ckpt, strict=True)
    grad_diff = max(float("inf") if b is None else (a - b).abs().max().item() for a, b in pairs)  # None: no gradient

    # by hand, per block: x (B, d) for x @ w1, x @ w1 (B, 4d) for GeLU, gelu (B, 4d) for @ w2 -> B * 9d
    return [
        check("saved_elements_no_checkpoint", L * B * 9 * d, plain, abs_tol=0),
        # checkpointing: only each block's input x (B, d)
        check("saved_elements_checkpoint", L * B * d, ckpt, abs_tol=0),
        check("memory_ratio", 9.0, plain / max(ckpt, 1), rel_tol=1e-12),
        check("block_forwards_with_recompute", 2 * L, FORWARD_CALLS["n"], abs_tol=0, note="one extra forward"),
        check("gradients_max_abs_diff", 0.0, grad_diff, abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
