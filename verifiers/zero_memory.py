"""Under mixed-precision Adam every parameter costs 2 (fp16 weight) + 2 (fp16 gradient) + 12 (fp32 master
weight, Adam m and v) = 16 bytes; ZeRO-1 shards the 12, ZeRO-2 also the gradients, ZeRO-3 (and FSDP's full
sharding) also the weights, so per GPU: 16Ψ, 4Ψ + 12Ψ/N, 2Ψ + 14Ψ/N, 16Ψ/N.

The measured side builds the real tensors for a small model on N simulated ranks (each rank keeps a full
copy or a 1/N shard of each state, as the stage says) and adds up numel × element_size per rank. The
formula is then evaluated for the ZeRO paper's example, 7.5B parameters on 64 GPUs (Fig. 1): 120 GB,
31.4 GB, 16.6 GB and 1.875 GB.
"""

import torch
from _kit import check, main

from quiz.params_systems import zero_bytes_per_gpu, zero_gb_per_gpu


def rank_states(n_params: int, n_gpus: int, rank: int, stage: int) -> list[torch.Tensor]:
    """The model-state tensors one data-parallel rank holds under a ZeRO stage."""
    shard = n_params // n_gpus  # n_params is a multiple of n_gpus here

    def part(sharded: bool, dtype) -> torch.Tensor:
        full = torch.zeros(n_params, dtype=dtype)
        return full[rank * shard:(rank + 1) * shard].clone() if sharded else full

    return [
        part(stage >= 3, torch.float16),  # weights used in forward/backward
        part(stage >= 2, torch.float16),  # gradients
        part(stage >= 1, torch.float32),  # fp32 master weights
        part(stage >= 1, torch.float32),  # Adam first moment m
        part(stage >= 1, torch.float32),  # Adam second moment v
    ]


def run(seed: int = 0, bytes_per_gpu=zero_bytes_per_gpu) -> list:
    del seed  # deterministic: memory is counted, not sampled
    checks = []
    n_params, n_gpus = 4096, 8
    for stage in range(4):
        per_rank = [sum(t.numel() * t.element_size() for t in rank_states(n_params, n_gpus, r, stage))
                    for r in range(n_gpus)]
        # every rank holds the same amount, and the ranks together hold each sharded state exactly once
        checks.append(check(f"stage{stage}_bytes_per_rank", max(per_rank), bytes_per_gpu(n_params, n_gpus, stage),
                            abs_tol=0))
    psi, n = 7.5e9, 64  # ZeRO paper, Figure 1 (stage 0, plain data parallelism, is 16 x 7.5 = 120 GB)
    paper = {0: 120.0, 1: 31.40625, 2: 16.640625, 3: 1.875}
    for stage in (1, 3):
        checks.append(check(f"zero_paper_7p5b_64gpus_stage{stage}_gb", paper[stage], bytes_per_gpu(psi, n, stage) / 1e9,
                            rel_tol=1e-9))
    # the GB helper the cards use, against the same hand values (worst relative difference over stages 0-3)
    worst = max(abs(zero_gb_per_gpu(7.5, n, s) / gb - 1) for s, gb in paper.items())
    checks.append(check("gb_helper_vs_paper_worst_rel", 0.0, worst, abs_tol=1e-9))
    # plain data parallelism, 7B parameters: 16 bytes x 7e9 = 112 GB on every GPU, whatever their number
    checks.append(check("plain_dp_7b_gb", 112.0, zero_gb_per_gpu(7, 8, 0), rel_tol=1e-9))
    return checks


if __name__ == "__main__":
    main(run)
