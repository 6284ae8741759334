import math

import torch


def attend(q, k, v):
    """q (B, Tq, D) over k, v (B, Tk, D); the Tq queries are the last Tq positions of the Tk keys."""
    Tq, Tk, D = q.shape[1], k.shape[1], q.shape[2]
    att = q @ k.transpose(1, 2) / math.sqrt(D)  # (B, Tq, Tk)
    causal = torch.ones(Tq, Tk, dtype=torch.bool).tril(diagonal=Tk - Tq)  # query i sees keys up to its own position
    att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
    return att @ v  # (B, Tq, D)


def generate(model, prompt, n_new):
    B, T0 = prompt.shape
    x = model.embed(prompt, torch.arange(T0))  # (B, T0, D) prefill: the whole prompt once
    q, k_cache, v_cache = model.qkv(x)  # (B, T0, D) each; k and v start the cache
    logits = model.logits(x, attend(q, k_cache, v_cache))  # (B, T0, V)
    token = logits[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1) the prediction after the last prompt token
    out = [prompt, token]
    for _ in range(n_new - 1):
        t = k_cache.shape[1]  # position of the token we feed = number of cached positions
        x = model.embed(token, torch.tensor([t]))  # (B, 1, D) only the new token
        q, k, v = model.qkv(x)  # (B, 1, D)
        k_cache = torch.cat([k_cache, k], dim=1)  # (B, t + 1, D) append, then attend over everything
        v_cache = torch.cat([v_cache, v], dim=1)
        token = model.logits(x, attend(q, k_cache, v_cache))[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
        out.append(token)
    return torch.cat(out, dim=1)  # (B, T0 + n_new)
