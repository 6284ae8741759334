"""Ring all-reduce (a reduce-scatter followed by an all-gather, each N - 1 steps around a ring) leaves every GPU
with the sum of all N buffers while each GPU sends only 2 (N - 1)/N times the buffer size, nearly independent
of N; a naive reduce-to-one-GPU-then-broadcast makes that GPU send (N - 1) times the buffer.

N simulated ranks hold float64 buffers split into N chunks; every message between neighbours is counted
in elements, and the results are compared with torch.stack(buffers).sum(0).
"""

import torch
from _kit import check, main

from quiz.params_systems import ring_allreduce_bytes_per_gpu


def ring_allreduce(buffers: list[torch.Tensor]) -> tuple[list[torch.Tensor], list[int]]:
    """Returns every rank's result and the number of elements each rank sent."""
    n = len(buffers)
    chunks = [list(b.clone().chunk(n)) for b in buffers]  # chunks[rank][c]
    sent = [0] * n
    # reduce-scatter: at step s rank r sends chunk (r - s) to rank r + 1, which adds it to its own copy
    for s in range(n - 1):
        msgs = [(r, (r - s) % n, chunks[r][(r - s) % n].clone()) for r in range(n)]
        for r, c, data in msgs:
            chunks[(r + 1) % n][c] += data
            sent[r] += data.numel()
    # now rank r owns the full sum of chunk (r + 1) % n; all-gather passes the finished chunks around
    for s in range(n - 1):
        msgs = [(r, (r + 1 - s) % n, chunks[r][(r + 1 - s) % n].clone()) for r in range(n)]
        for r, c, data in msgs:
            chunks[(r + 1) % n][c] = data
            sent[r] += data.numel()
    return [torch.cat(c) for c in chunks], sent


def run(seed: int = 0, allreduce=ring_allreduce) -> list:
    g = torch.Generator().manual_seed(seed)
    checks = []
    size = 4 * 3 * 5 * 7 * 8  # divisible by every N below
    for n in (2, 4, 8):
        buffers = [torch.randn(size, generator=g, dtype=torch.float64) for _ in range(n)]  # one gradient per GPU
        results, sent = allreduce(buffers)
        total = torch.stack(buffers).sum(0)
        checks.append(check(f"n{n}_result_max_abs_diff", 0.0, max((r - total).abs().max() for r in results),
                            abs_tol=1e-12))
        # bytes sent per GPU relative to the buffer, against the registered formula (size 1 GB -> ratio)
        checks.append(check(f"n{n}_sent_per_gpu_over_buffer", ring_allreduce_bytes_per_gpu(1.0, n), max(sent) / size,
                            rel_tol=1e-12))
    return checks


if __name__ == "__main__":
    main(run)
