"""Training a dense transformer costs about 6·N·D FLOPs for N parameters and D tokens: a forward pass is
about 2N FLOPs per token (one multiply and one add per weight) and the backward pass twice that. GPT-3
(175B parameters, 300B tokens) therefore needed about 3.15e23 FLOPs.

Measured with torch.utils.flop_counter.FlopCounterMode on a small GPT, which counts the FLOPs of every
matrix multiply. Backward is 2x forward because each matmul y = x·W needs two matmuls of the same size
backward: dL/dx = dL/dy·Wᵀ and dL/dW = xᵀ·dL/dy. Attention's own matmuls (QKᵀ and AV) add 4·T·d FLOPs per
token per layer to the 24·d² of the layer's weights, a small share while the context T is much less than 6d.
"""

import math

import torch
import torch._dynamo  # noqa: F401  (see below)
import torch.nn as nn
import torch.nn.functional as F
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz
from torch.utils.flop_counter import FlopCounterMode

from quiz.params import train_flops

# Entering any torch dispatch mode (FlopCounterMode is one) imports torch._dynamo and sympy the first time:
# about 1 s. The explicit import above pays that when the module is loaded, so run() times the measurement.


class Block(nn.Module):
    def __init__(self, d: int, n_heads: int):
        super().__init__()
        self.n_heads = n_heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)  # 3d² weights
        self.proj = nn.Linear(d, d, bias=False)  # d²
        self.fc1 = nn.Linear(d, 4 * d, bias=False)  # 4d²
        self.fc2 = nn.Linear(4 * d, d, bias=False)  # 4d²

    def forward(self, x):  # (B, T, d)
        B, T, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, -1).transpose(1, 2) for t in (q, k, v))  # (B, H, T, d/H)
        att = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (B, H, T, T): 2·T·T·d FLOPs per sequence
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, d)  # another 2·T·T·d
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self, vocab: int, d: int, n_layers: int, n_heads: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)  # a lookup, not a matmul: no FLOPs counted
        self.blocks = nn.ModuleList(Block(d, n_heads) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)  # vocab·d weights

    def forward(self, idx):  # (B, T) -> (B, T, vocab)
        x = self.embed(idx)
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def run(seed: int = 0, flops=train_flops) -> list:
    g = torch.Generator().manual_seed(seed)
    V, d, L, H, B, T = 256, 128, 2, 4, 4, 16
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = GPT(V, d, L, H)
    # N = the weights that take part in matmuls: 12d² per block plus the output head.
    N = sum(p.numel() for name, p in model.named_parameters() if p.dim() == 2 and name != "embed.weight")
    idx = torch.randint(0, V, (B, T + 1), generator=g)
    tokens = B * T

    with FlopCounterMode(display=False) as fwd_counter:
        logits = model(idx[:, :-1])  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, V), idx[:, 1:].reshape(-1))
    with FlopCounterMode(display=False) as bwd_counter:
        loss.backward()
    fwd, bwd = fwd_counter.get_total_flops(), bwd_counter.get_total_flops()

    return [
        check("weights_counted", expected=L * 12 * d * d + V * d, measured=N, abs_tol=0),
        # exact: 2 FLOPs per weight per token + attention's QKᵀ and AV (4·T·d per token per layer)
        check("forward_flops_per_token", expected=2 * N + 4 * L * T * d, measured=fwd / tokens,
              rel_tol=1e-12),
        # the attention term is 4LTd / 2N = 1.9% of 2N here
        check("forward_over_2n", expected=1.0, measured=fwd / (2 * N * tokens), rel_tol=0.05),
        # every forward matmul has two of the same size backward: exactly 2 here (1% slack for other ops)
        check("backward_over_forward", expected=2.0, measured=bwd / fwd, rel_tol=0.01),
        check("train_flops_formula", expected=fwd + bwd, measured=flops(n_params=N, n_tokens=tokens),
              rel_tol=0.05),
        # Brown et al. 2020, Table D.1: 3.14e23 FLOPs (they use N = 174.6B; 6·174.6e9·300e9 = 3.14e23)
        check("gpt3_175b_300b_tokens", expected=3.14e23, measured=flops(n_params=175e9, n_tokens=300e9),
              rel_tol=0.01),
    ]


if __name__ == "__main__":
    main(run)
