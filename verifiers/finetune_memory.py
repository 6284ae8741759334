"""Full fine-tuning with mixed-precision Adam needs about 16 bytes per parameter before activations: fp16
weights (2) and fp16 gradients (2) for the forward and backward passes, plus an fp32 master copy of the
weights (4) and Adam's two fp32 moments m and v (4 + 4). A 7B model therefore needs about 112 GB, far
more than its 14 GB of fp16 weights.

Measured from the tensors a real training step allocates: an fp16 model's weights and gradients after
backward, and torch.optim.Adam's state after one step on the fp32 master weights. The weights alone take
N x bytes per parameter (quiz.params.params_memory_gb): measured on the same model cast to fp32, fp16 and
int8, and packed two 4-bit codes per byte.
"""

import torch
import torch._dynamo  # noqa: F401  (torch.optim imports it on first use: about 1 s, paid at load, not in run())
from _kit import check, main

from quiz.params import params_memory_gb
from quiz.params_tuning_scaling import full_finetune_gb


def tensor_bytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


def run(seed: int = 0, optimizer_cls=torch.optim.Adam) -> list:
    g = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        master = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.GELU(), torch.nn.Linear(64, 16))  # fp32
    n = sum(p.numel() for p in master.parameters())
    half = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.GELU(), torch.nn.Linear(64, 16)).half()
    half.load_state_dict(master.state_dict())  # the fp16 working copy used for forward and backward

    x = torch.randn(8, 32, generator=g).half()
    half(x).float().pow(2).mean().backward()
    for p32, p16 in zip(master.parameters(), half.parameters(), strict=True):
        p32.grad = p16.grad.float()  # the step is taken in fp32 on the master weights
    opt = optimizer_cls(master.parameters(), lr=1e-3)
    opt.step()

    weights16 = tensor_bytes(half.parameters())
    grads16 = tensor_bytes(p.grad for p in half.parameters())
    master32 = tensor_bytes(master.parameters())
    # per-parameter optimizer state (Adam: exp_avg and exp_avg_sq); the scalar step counter is not per-parameter
    states = tensor_bytes(v for s in opt.state.values() for key, v in s.items() if torch.is_tensor(v) and key != "step")
    total = weights16 + grads16 + master32 + states

    # weights only, by storage format: 4, 2, 1 bytes per parameter, and 4-bit codes packed two per byte
    flat = torch.cat([p.detach().flatten() for p in master.parameters()])  # (n,)
    codes = (flat / flat.abs().max() * 7).round().clamp(-8, 7).to(torch.int8)
    nibbles = (codes & 0xF).to(torch.uint8)  # (n,), n even here
    stored = {4: flat, 2: flat.half(), 1: codes, 0.5: nibbles[0::2] | (nibbles[1::2] << 4)}
    worst = max(abs(params_memory_gb(n, b) * 1e9 - tensor_bytes([t])) / tensor_bytes([t]) for b, t in stored.items())
    return [
        check("optimizer_state_bytes_per_param", 8, states / n, abs_tol=0),
        check("total_bytes_per_param", 16, total / n, abs_tol=0),
        check("formula_vs_measured_gb_per_billion", total / n, full_finetune_gb(1.0), rel_tol=1e-12),
        # by hand: 7e9 parameters * 16 bytes = 1.12e11 bytes = 112 GB
        check("llama_7b_full_finetune_gb", 112, full_finetune_gb(7.0), rel_tol=1e-12),
        check("weights_gb_formula_vs_stored", 0.0, worst, abs_tol=1e-12, note="fp32, fp16, int8, packed 4-bit"),
    ]


if __name__ == "__main__":
    main(run)
