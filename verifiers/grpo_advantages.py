"""GRPO needs no value model: it samples a group of G answers per prompt and gives each answer the advantage
(r_i - mean(r)) / std(r) computed within its own group, so every group's advantages have zero mean and unit
spread, a group whose answers all score the same gives zero advantage (no learning signal), and with 0/1
rewards and p = k/G correct a right answer gets sqrt((1 - p) / p) and a wrong one -sqrt(p / (1 - p)).

std is the population standard deviation here; libraries that use the unbiased (n - 1) estimate get values
smaller by sqrt((G - 1) / G). A small epsilon keeps the all-equal group finite.
"""

import math

import torch
from _kit import check, main

from quiz.params_tuning_scaling import grpo_advantage_correct


def group_advantages(rewards, eps: float = 1e-6):
    """rewards (n_prompts, G) -> advantages (n_prompts, G), normalised within each row."""
    mean = rewards.mean(dim=1, keepdim=True)
    std = rewards.std(dim=1, keepdim=True, unbiased=False)
    return (rewards - mean) / (std + eps)


def run(seed: int = 0, advantages=group_advantages) -> list:
    g = torch.Generator().manual_seed(seed)
    G = 8
    rewards = torch.rand(5, G, generator=g, dtype=torch.float64) * torch.tensor([[1.0], [2.0], [5.0], [10.0], [0.1]])
    rewards[4] += 3.0  # prompts with very different reward scales and offsets
    a = advantages(rewards, eps=0.0)
    binary = torch.tensor([[1, 0, 0, 1, 1, 0, 0, 0]], dtype=torch.float64)  # 3 of 8 right: p = 0.375
    ab = advantages(binary, eps=0.0)[0]
    same = advantages(torch.ones(1, G, dtype=torch.float64))  # every answer right
    ref = torch.stack([(row - row.mean()) / row.var(unbiased=False).sqrt() for row in rewards])  # row by row
    return [
        check("max_abs_group_mean", 0.0, a.mean(dim=1).abs().max(), abs_tol=1e-12),
        check("max_abs_group_std_minus_1", 0.0, (a.std(dim=1, unbiased=False) - 1).abs().max(), abs_tol=1e-12),
        check("max_abs_diff_vs_row_by_row", 0.0, (a - ref).abs().max(), abs_tol=1e-12),
        check("right_answer_3_of_8", math.sqrt(0.625 / 0.375), ab[0], rel_tol=1e-9),
        check("wrong_answer_3_of_8", -math.sqrt(0.375 / 0.625), ab[1], rel_tol=1e-9),
        check("formula_right_3_of_8", math.sqrt(5 / 3), grpo_advantage_correct(8, 3), rel_tol=1e-12),
        check("all_equal_group_gives_zero", 0.0, same.abs().max(), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
