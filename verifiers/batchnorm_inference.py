"""At inference BatchNorm uses running statistics collected during training, not the statistics of
the current batch, so an eval-mode output depends only on its own input.

During training each step updates running_mean and running_var by an exponential
moving average (momentum 0.1, and torch stores the *unbiased* batch variance). In eval
mode those fixed numbers replace the batch statistics: a batch of one works, and the
result for a sample no longer depends on the rest of its batch.
"""

import torch
import torch.nn as nn
from _kit import check, check_at_least, main

EPS, MOMENTUM = 1e-5, 0.1


def batch_norm(x, running_mean, running_var, training: bool):
    """(N, C) -> (N, C), new running_mean (C,), new running_var (C,). No affine parameters."""
    if training:
        mean = x.mean(dim=0)  # (C,)
        var = x.var(dim=0, unbiased=False)  # (C,) normalise with the biased variance
        n = x.shape[0]
        running_mean = (1 - MOMENTUM) * running_mean + MOMENTUM * mean
        running_var = (1 - MOMENTUM) * running_var + MOMENTUM * var * n / (n - 1)  # stored unbiased
    else:
        mean, var = running_mean, running_var  # fixed numbers from training
    return (x - mean) / torch.sqrt(var + EPS), running_mean, running_var


def run(seed: int = 0, batch_norm=batch_norm) -> list:
    g = torch.Generator().manual_seed(seed)
    C, N, steps = 8, 16, 200
    mu_true = 2 * torch.randn(C, generator=g, dtype=torch.float64)  # population mean per feature
    sd_true = torch.rand(C, generator=g, dtype=torch.float64) + 0.5  # population std per feature

    ref = nn.BatchNorm1d(C, eps=EPS, momentum=MOMENTUM, affine=False).double()
    rm, rv = torch.zeros(C, dtype=torch.float64), torch.ones(C, dtype=torch.float64)  # torch's init
    max_train_diff = torch.tensor(0.0, dtype=torch.float64)
    for _ in range(steps):
        x = torch.randn(N, C, generator=g, dtype=torch.float64) * sd_true + mu_true  # (N, C)
        y, rm, rv = batch_norm(x, rm, rv, training=True)
        ref.train()
        max_train_diff = torch.maximum(max_train_diff, (y - ref(x)).abs().max())

    # eval: one test batch, then the same first sample among different batch mates, then alone
    ref.eval()
    x = torch.randn(N, C, generator=g, dtype=torch.float64) * sd_true + mu_true
    x2 = torch.cat([x[:1], x[1:] + 5.0])  # sample 0 unchanged, its batch mates shifted
    y_eval = batch_norm(x, rm, rv, training=False)[0]
    moved = (batch_norm(x2, rm, rv, training=False)[0][0] - y_eval[0]).abs().max()
    alone = (batch_norm(x[:1], rm, rv, training=False)[0][0] - y_eval[0]).abs().max()
    moved_train = (batch_norm(x2, rm, rv, training=True)[0][0] - batch_norm(x, rm, rv, training=True)[0][0])

    # after 200 steps the EMA has forgotten its init (0.9^200 ~ 7e-10); what is left is the noise of
    # an EMA of batch means: std = sd * sqrt(m / (2 - m) / N) ~ 0.057 * sd <= 0.086, so 0.5 is > 5 sigma
    mean_err = (rm - mu_true).abs().max()
    return [
        check("train_matches_torch", 0.0, max_train_diff, abs_tol=1e-10),  # float64: rounding only
        check("running_mean_matches_torch", 0.0, (rm - ref.running_mean).abs().max(), abs_tol=1e-10),
        check("running_var_matches_torch", 0.0, (rv - ref.running_var).abs().max(), abs_tol=1e-10),
        check("eval_matches_torch", 0.0, (y_eval - ref(x)).abs().max(), abs_tol=1e-10),
        check("running_mean_near_population", 0.0, mean_err, abs_tol=0.5),
        check("eval_sample_unchanged_by_batch", 0.0, moved, abs_tol=1e-12),
        check("eval_batch_of_one_same", 0.0, alone, abs_tol=1e-12),
        check_at_least("train_sample_changed_by_batch", 0.1, moved_train.abs().max(),
                       note="in training mode the batch statistics move"),
    ]


if __name__ == "__main__":
    main(run)
