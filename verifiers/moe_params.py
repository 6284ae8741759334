"""Mixtral-8x7B has about 46.7B parameters in total but each token uses only about 12.9B: attention,
embeddings and norms are shared, and the router sends each token to 2 of the 8 expert FFNs per layer. It is
not 8 x 7B = 56B because only the FFNs are replicated.

Config (Mixtral-8x7B-v0.1): V = 32000, d = 4096, 32 layers, 32 query heads and 8 key/value heads of size
128 (grouped-query attention), expert FFNs are SwiGLU with d_ff = 14336, 8 experts, top-2 routing, untied
output head. Total = shared + 8·expert, active = shared + 2·expert (quiz.params.moe_total_params and
moe_active_params), where `expert` counts one expert index across all 32 layers.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import moe_active_params, moe_total_params


class RMSNorm(nn.Module):
    def __init__(self, d, device=None):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d, device=device))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.weight


class Expert(nn.Module):  # a SwiGLU FFN
    def __init__(self, d, d_ff, device=None):
        super().__init__()
        self.w1 = nn.Linear(d, d_ff, bias=False, device=device)
        self.w3 = nn.Linear(d, d_ff, bias=False, device=device)
        self.w2 = nn.Linear(d_ff, d, bias=False, device=device)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class MoE(nn.Module):
    def __init__(self, d, d_ff, n_experts, top_k, device=None):
        super().__init__()
        self.top_k = top_k
        self.router = nn.Linear(d, n_experts, bias=False, device=device)
        self.experts = nn.ModuleList(Expert(d, d_ff, device) for _ in range(n_experts))

    def forward(self, x):  # (N, d) tokens
        weights, chosen = self.router(x).softmax(-1).topk(self.top_k, dim=-1)  # (N, k), (N, k)
        weights = weights / weights.sum(-1, keepdim=True)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            rows, slot = (chosen == e).nonzero(as_tuple=True)
            if len(rows):  # an expert that no token chose does not run at all
                out[rows] += weights[rows, slot, None] * expert(x[rows])
        return out


class Layer(nn.Module):
    def __init__(self, d, n_heads, n_kv_heads, d_ff, n_experts, top_k, device=None):
        super().__init__()
        hd = d // n_heads
        self.attn_norm = RMSNorm(d, device=device)
        self.wq = nn.Linear(d, n_heads * hd, bias=False, device=device)
        self.wk = nn.Linear(d, n_kv_heads * hd, bias=False, device=device)  # GQA: fewer K/V heads
        self.wv = nn.Linear(d, n_kv_heads * hd, bias=False, device=device)
        self.wo = nn.Linear(n_heads * hd, d, bias=False, device=device)
        self.ffn_norm = RMSNorm(d, device=device)
        self.moe = MoE(d, d_ff, n_experts, top_k, device)
        self.n_heads, self.n_kv_heads = n_heads, n_kv_heads

    def forward(self, x):  # (T, d): one sequence
        T, d = x.shape
        h = self.attn_norm(x)
        q = self.wq(h).view(T, self.n_heads, -1).transpose(0, 1)  # (H, T, hd)
        k = self.wk(h).view(T, self.n_kv_heads, -1).transpose(0, 1)  # (H_kv, T, hd)
        v = self.wv(h).view(T, self.n_kv_heads, -1).transpose(0, 1)
        rep = self.n_heads // self.n_kv_heads
        k, v = k.repeat_interleave(rep, 0), v.repeat_interleave(rep, 0)  # each K/V head serves `rep` queries
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (H, T, hd)
        x = x + self.wo(a.transpose(0, 1).reshape(T, d))
        return x + self.moe(self.ffn_norm(x))


class Mixtral(nn.Module):
    def __init__(self, vocab, d, n_layers, n_heads, n_kv_heads, d_ff, n_experts, top_k, device=None):
        super().__init__()
        # On the meta device skip nn.Embedding's random init: normal_ on meta costs ~1 s of lazy imports.
        empty = torch.empty(vocab, d, device=device) if device == "meta" else None
        self.embed = nn.Embedding(vocab, d, _weight=empty, device=device)
        self.layers = nn.ModuleList(Layer(d, n_heads, n_kv_heads, d_ff, n_experts, top_k, device)
                                    for _ in range(n_layers))
        self.norm = RMSNorm(d, device=device)
        self.head = nn.Linear(d, vocab, bias=False, device=device)

    def forward(self, idx):  # (T,) -> (T, vocab)
        x = self.embed(idx)
        for layer in self.layers:
            x = layer(x)
        return self.head(self.norm(x))


def numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def shared_and_expert(model: Mixtral):
    """Split a model's parameters into shared ones and one expert index summed over all layers."""
    expert = sum(numel(layer.moe.experts[0]) for layer in model.layers)
    experts_all = sum(numel(layer.moe.experts) for layer in model.layers)
    return numel(model) - experts_all, expert


def run(seed: int = 0, total=moe_total_params, active=moe_active_params) -> list:
    g = torch.Generator().manual_seed(seed)
    cfg = dict(vocab=32000, d=4096, n_layers=32, n_heads=32, n_kv_heads=8, d_ff=14336, n_experts=8, top_k=2)
    big = Mixtral(**cfg, device="meta")  # full size, shapes only
    shared, expert = shared_and_expert(big)
    n_total = total(shared=shared, expert=expert, n_experts=8, top_k=2)
    n_active = active(shared=shared, expert=expert, n_experts=8, top_k=2)

    # A tiny model with real weights: run one token and record which modules' weights it touched.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        tiny = Mixtral(vocab=50, d=16, n_layers=2, n_heads=4, n_kv_heads=2, d_ff=24, n_experts=4, top_k=2)
    ran = set()
    hooks = [m.register_forward_hook(lambda mod, inp, out: ran.add(mod)) for m in tiny.modules()]
    tiny(torch.randint(0, 50, (1,), generator=g))
    for h in hooks:
        h.remove()
    touched = sum(p.numel() for m in ran for p in m.parameters(recurse=False))
    tiny_shared, tiny_expert = shared_and_expert(tiny)
    tiny_active = active(shared=tiny_shared, expert=tiny_expert, n_experts=4, top_k=2)

    return [
        # Mistral AI, "Mixtral of experts" (2023): 46.7B total, 12.9B used per token. Both are rounded to 3
        # digits: half a unit in the last place is 0.1% of 46.7B and 0.4% of 12.9B.
        check("mixtral_total_published", expected=46.7e9, measured=n_total, rel_tol=0.001),
        check("mixtral_active_published", expected=12.9e9, measured=n_active, rel_tol=0.005),
        check("mixtral_total_equals_model", expected=numel(big), measured=n_total, abs_tol=0),
        # Mistral-7B (7,241,732,096) is the same network with one dense FFN; shared here also holds the
        # router (32·4096·8 = 1M weights), hence the tolerance.
        check("one_expert_is_mistral_7b", expected=7.24e9, measured=shared + expert, rel_tol=0.002),
        check("tiny_token_touches_active", expected=tiny_active, measured=touched, abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
