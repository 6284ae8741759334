"""Gradient accumulation is exact: summing the gradients of k micro-batches, each loss divided by k, gives the
gradient of one big batch of k times the size. With a per-token loss and micro-batches holding different
numbers of real (unpadded) tokens, averaging the k per-micro-batch means is NOT the big batch's token mean:
sum the token losses and divide once by the total token count.

A small linear language-model head is trained on random data in float64; gradients are compared with
torch.autograd on the full batch.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, main


def loss_tokens(w, x, y, mask):
    """Per-token cross-entropy of a linear head; mask marks real tokens. Returns (sum of losses, #tokens)."""
    logits = x @ w  # (B, T, V)
    nll = F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="none").view(y.shape)  # (B, T)
    return (nll * mask).sum(), mask.sum()


def accumulate(w, micro_batches) -> torch.Tensor:
    """The right way: every token weighs 1 / (total real tokens in the whole batch)."""
    total = sum(mb[2].sum() for mb in micro_batches)
    w = w.detach().requires_grad_(True)
    for x, y, mask in micro_batches:
        s, _ = loss_tokens(w, x, y, mask)
        (s / total).backward()  # .grad adds up across micro-batches
    return w.grad


def mean_of_means(w, micro_batches) -> torch.Tensor:
    """The common mistake: each micro-batch's own token mean, divided by k."""
    w = w.detach().requires_grad_(True)
    for x, y, mask in micro_batches:
        s, n = loss_tokens(w, x, y, mask)
        (s / n / len(micro_batches)).backward()
    return w.grad


def run(seed: int = 0, accumulate_fn=accumulate) -> list:
    g = torch.Generator().manual_seed(seed)
    B, T, d, V, k = 8, 12, 16, 10, 4
    x = torch.randn(B, T, d, generator=g, dtype=torch.float64)
    y = torch.randint(0, V, (B, T), generator=g)
    w = torch.randn(d, V, generator=g, dtype=torch.float64) / d**0.5
    checks = []
    for label, lengths in (("equal_lengths", [T] * B), ("padded", [T, 2, 5, T, 1, 3, T, 7])):
        mask = (torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]).double()  # (B, T) real tokens
        w_full = w.clone().requires_grad_(True)
        s, n = loss_tokens(w_full, x, y, mask)
        (s / n).backward()  # the big batch: mean over all real tokens
        micro = [(x[i:i + B // k], y[i:i + B // k], mask[i:i + B // k]) for i in range(0, B, B // k)]
        diff = (accumulate_fn(w, micro) - w_full.grad).abs().max() / w_full.grad.abs().max()
        checks.append(check(f"{label}_relative_max_diff", 0.0, diff, abs_tol=1e-12))
        if label == "padded":
            wrong = (mean_of_means(w, micro) - w_full.grad).abs().max() / w_full.grad.abs().max()
            checks.append(check_at_least("padded_mean_of_means_is_off", 0.01, wrong))
    return checks


if __name__ == "__main__":
    main(run)
