"""Clamps every value to [-max_norm, max_norm] (clipping by value), which bends the gradient's direction."""

FAILS = "keeps_direction"


def clip_grad_norm(grads, max_norm):
    return [g.clamp(-max_norm, max_norm) for g in grads]
