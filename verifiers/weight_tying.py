"""Tying the output head to the token embedding (one V x d matrix used both ways) removes V*d parameters: GPT-2
small has 124,439,808 parameters tied and would have 163,037,184 untied, 38,597,376 = 50,257 x 768 more.

Counted on a GPT-2-shaped torch model built on the meta device (no memory): `model.parameters()` yields a
shared tensor once, so it counts the tied model right, while summing `state_dict()` lists the same tensor
under both names and counts the tied matrix twice. Expected values are the closed form
V*d + n_ctx*d + L*(12*d^2 + 13*d) + 2*d (Radford et al. 2019; Press & Wolf 2017, Using the Output Embedding
to Improve Language Models). A tiny real model checks what tying means: the logits are h @ E^T, and the
embedding's gradient collects both the input lookup and the output head.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_true, main


class Block(torch.nn.Module):
    """GPT-2 block, parameters only: LN, fused QKV, attention proj, LN, 4d MLP (all with biases)."""

    def __init__(self, d: int, device=None):
        super().__init__()
        nn = torch.nn
        self.ln_1, self.ln_2 = nn.LayerNorm(d, device=device), nn.LayerNorm(d, device=device)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d, device=device), nn.Linear(d, d, device=device)
        self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d, device=device), nn.Linear(4 * d, d, device=device)


class GPT(torch.nn.Module):
    def __init__(self, V: int, n_ctx: int, d: int, L: int, tied: bool, device=None):
        super().__init__()

        def table(n):  # on the meta device skip the random init (normal_ on meta costs ~1 s of imports)
            return torch.nn.Embedding(n, d, _weight=torch.empty(n, d, device=device) if device == "meta" else None)

        self.wte, self.wpe = table(V), table(n_ctx)
        self.blocks = torch.nn.ModuleList(Block(d, device) for _ in range(L))
        self.ln_f = torch.nn.LayerNorm(d, device=device)
        self.lm_head = torch.nn.Linear(d, V, bias=False, device=device)  # (V, d) weight
        if tied:
            self.lm_head.weight = self.wte.weight  # one tensor, two uses

    def logits(self, idx):
        """Embedding -> final LN -> head (blocks skipped: tying does not depend on them). (B, T) -> (B, T, V)"""
        T = idx.shape[1]
        h = self.ln_f(self.wte(idx) + self.wpe(torch.arange(T)))  # (B, T, d)
        return self.lm_head(h)


def count_params(model: torch.nn.Module) -> int:
    """Unique parameters: model.parameters() skips a tensor it has already yielded."""
    return sum(p.numel() for p in model.parameters())


def closed_form(V: int, n_ctx: int, d: int, L: int, tied: bool) -> int:
    per_layer = 12 * d * d + 13 * d  # qkv 3d^2+3d, proj d^2+d, fc 4d^2+4d, proj 4d^2+d, two LNs 4d
    return V * d + n_ctx * d + L * per_layer + 2 * d + (0 if tied else V * d)


def run(seed: int = 0, count_params=count_params) -> list:
    gpt2 = dict(V=50257, n_ctx=1024, d=768, L=12)
    tied, untied = GPT(**gpt2, tied=True, device="meta"), GPT(**gpt2, tied=False, device="meta")  # shapes only
    n_tied, n_untied = count_params(tied), count_params(untied)
    naive = sum(t.numel() for t in tied.state_dict().values())  # the same tensor under two keys

    # a tiny real model: what tying does to the logits and to the gradient
    g = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():  # nn init draws from the global generator; leave it as it was
        torch.manual_seed(seed)
        small = GPT(V=50, n_ctx=8, d=16, L=1, tied=True).double()
    idx = torch.randint(50, (2, 8), generator=g)  # (B, T)
    logits = small.logits(idx)
    h = small.ln_f(small.wte(idx) + small.wpe(torch.arange(8)))  # (B, T, d)
    loss = F.cross_entropy(logits.reshape(-1, 50), torch.randint(50, (16,), generator=g))
    loss.backward()
    # the same numbers in two separate tensors: the tied gradient must be the sum of the two
    twin = GPT(V=50, n_ctx=8, d=16, L=1, tied=False).double()
    twin.load_state_dict(small.state_dict())  # same numbers, now two separate tensors
    g2 = torch.Generator().manual_seed(seed)
    idx2 = torch.randint(50, (2, 8), generator=g2)
    loss2 = F.cross_entropy(twin.logits(idx2).reshape(-1, 50), torch.randint(50, (16,), generator=g2))
    loss2.backward()
    summed = twin.wte.weight.grad + twin.lm_head.weight.grad  # (V, d)

    return [
        check("gpt2_small_tied", closed_form(**gpt2, tied=True), n_tied, abs_tol=0),
        check("gpt2_small_untied", closed_form(**gpt2, tied=False), n_untied, abs_tol=0),
        check("untied_minus_tied", gpt2["V"] * gpt2["d"], n_untied - n_tied, abs_tol=0, note="= V x d"),
        check("state_dict_counts_tied_twice", n_untied, naive, abs_tol=0, note="the pitfall, for reference"),
        check("gpt2_small_tied_hand_value", 124_439_808, n_tied, abs_tol=0),
        check_true("tied_head_is_embedding", small.lm_head.weight is small.wte.weight),
        check("tied_logits_are_h_times_e_transpose", 0.0, (logits - h @ small.wte.weight.T).abs().max(),
              abs_tol=1e-12),
        check("tied_grad_is_lookup_plus_head", 0.0, (small.wte.weight.grad - summed).abs().max(), abs_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
