"""Embeds each new token at position 0 (torch.arange(1)), so cached keys lose their positions."""

import math

import torch

FAILS = "positions_advance"


def attend(q, k, v):
    Tq, Tk = q.shape[1], k.shape[1]
    att = q @ k.transpose(1, 2) / math.sqrt(q.shape[2])
    causal = torch.ones(Tq, Tk, dtype=torch.bool).tril(diagonal=Tk - Tq)
    return att.masked_fill(~causal, float("-inf")).softmax(dim=-1) @ v


def generate(model, prompt, n_new):
    B, T0 = prompt.shape
    x = model.embed(prompt, torch.arange(T0))
    q, k_cache, v_cache = model.qkv(x)
    token = model.logits(x, attend(q, k_cache, v_cache))[:, -1].argmax(-1, keepdim=True)
    out = [prompt, token]
    for _ in range(n_new - 1):
        x = model.embed(token, torch.arange(token.shape[1]))
        q, k, v = model.qkv(x)
        k_cache, v_cache = torch.cat([k_cache, k], 1), torch.cat([v_cache, v], 1)
        token = model.logits(x, attend(q, k_cache, v_cache))[:, -1].argmax(-1, keepdim=True)
        out.append(token)
    return torch.cat(out, 1)
