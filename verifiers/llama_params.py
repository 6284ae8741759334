"""Llama-2-7B has 6,738,415,616 parameters: vocab·d for the embeddings, 4d² attention + 3·d·d_ff SwiGLU + 2d
RMSNorm weights per layer, a final RMSNorm and an untied vocab·d output head (V = 32000, d = 4096, 32 layers,
d_ff = 11008).

Llama has no biases anywhere and RoPE has no parameters. The embeddings and the head hold 2·32000·4096 =
262M of the 6.74B. The same formula counts Llama-2-13B (V = 32000, d = 5120, 40 layers, d_ff = 13824) as
13,015,864,320. (Llama-2-70B uses grouped-query attention, which this formula does not model.)
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import llama_params


class RMSNorm(nn.Module):
    def __init__(self, d: int, device=None):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d, device=device))  # d parameters, no bias

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.weight


class Block(nn.Module):
    def __init__(self, d: int, n_heads: int, d_ff: int, device=None):
        super().__init__()
        lin = lambda i, o: nn.Linear(i, o, bias=False, device=device)  # noqa: E731
        self.n_heads = n_heads
        self.attn_norm, self.ffn_norm = RMSNorm(d, device), RMSNorm(d, device)
        self.wq, self.wk, self.wv, self.wo = lin(d, d), lin(d, d), lin(d, d), lin(d, d)  # 4d²
        self.w1, self.w3, self.w2 = lin(d, d_ff), lin(d, d_ff), lin(d_ff, d)  # 3·d·d_ff (SwiGLU)

    def forward(self, x):  # (B, T, d)
        B, T, d = x.shape
        h = self.attn_norm(x)
        q, k, v = (w(h).view(B, T, self.n_heads, -1).transpose(1, 2) for w in (self.wq, self.wk, self.wv))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, H, T, d/H); RoPE omitted
        x = x + self.wo(a.transpose(1, 2).reshape(B, T, d))
        h = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


class Llama(nn.Module):
    def __init__(self, vocab, d, n_layers, d_ff, n_heads, tied=False, device=None):
        super().__init__()
        # On the meta device skip nn.Embedding's random init: normal_ on meta costs ~1 s of lazy imports.
        empty = torch.empty(vocab, d, device=device) if device == "meta" else None
        self.embed = nn.Embedding(vocab, d, _weight=empty, device=device)
        self.layers = nn.ModuleList(Block(d, n_heads, d_ff, device) for _ in range(n_layers))
        self.norm = RMSNorm(d, device)
        self.head = nn.Linear(d, vocab, bias=False, device=device)
        if tied:
            self.head.weight = self.embed.weight  # shared: counted once by parameters()

    def forward(self, idx):  # (B, T) token ids -> (B, T, vocab) logits
        x = self.embed(idx)
        for layer in self.layers:
            x = layer(x)
        return self.head(self.norm(x))


def numel(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())  # parameters() yields a shared tensor once


def run(seed: int = 0, count=llama_params) -> list:
    g = torch.Generator().manual_seed(seed)
    # Published configs (config.json of meta-llama/Llama-2-7b-hf and -13b-hf) and their parameter counts.
    cfg7 = dict(vocab=32000, d_model=4096, n_layers=32, d_ff=11008)
    cfg13 = dict(vocab=32000, d_model=5120, n_layers=40, d_ff=13824)

    # The full-size 7B architecture on the meta device: shapes only, no memory.
    meta7 = Llama(32000, 4096, 32, 11008, n_heads=32, device="meta")

    # A tiny model with real weights: it runs, and the formula counts it too (untied and tied head).
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        tiny = Llama(vocab=97, d=32, n_layers=3, d_ff=88, n_heads=4)
        tiny_tied = Llama(vocab=97, d=32, n_layers=3, d_ff=88, n_heads=4, tied=True)
    idx = torch.randint(0, 97, (2, 7), generator=g)  # (B, T)
    logits = tiny(idx)  # (B, T, vocab)
    tiny_cfg = dict(vocab=97, d_model=32, n_layers=3, d_ff=88)
    n_tied = count(**tiny_cfg, tied=1)

    return [
        check("llama2_7b_published", expected=6_738_415_616, measured=count(**cfg7), abs_tol=0),
        check("llama2_13b_published", expected=13_015_864_320, measured=count(**cfg13), abs_tol=0),
        check("llama2_7b_meta_model", expected=numel(meta7), measured=count(**cfg7), abs_tol=0),
        check("tiny_model", expected=numel(tiny), measured=count(**tiny_cfg), abs_tol=0),
        check("tiny_model_tied_head", expected=numel(tiny_tied), measured=n_tied, abs_tol=0),
        check("tiny_logits_finite", expected=2 * 7 * 97, measured=torch.isfinite(logits).sum(), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
