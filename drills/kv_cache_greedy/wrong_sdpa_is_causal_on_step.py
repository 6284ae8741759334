"""Steps with SDPA(is_causal=True), whose top-left-aligned mask lets the one new query see only key 0."""

import torch
import torch.nn.functional as F

FAILS = "attends_to_all_cached_keys"


def generate(model, prompt, n_new):
    B, T0 = prompt.shape
    x = model.embed(prompt, torch.arange(T0))
    q, k_cache, v_cache = model.qkv(x)
    a = F.scaled_dot_product_attention(q, k_cache, v_cache, is_causal=True)
    token = model.logits(x, a)[:, -1].argmax(-1, keepdim=True)
    out = [prompt, token]
    for _ in range(n_new - 1):
        x = model.embed(token, torch.tensor([k_cache.shape[1]]))
        q, k, v = model.qkv(x)
        k_cache, v_cache = torch.cat([k_cache, k], 1), torch.cat([v_cache, v], 1)
        a = F.scaled_dot_product_attention(q, k_cache, v_cache, is_causal=True)
        token = model.logits(x, a)[:, -1].argmax(-1, keepdim=True)
        out.append(token)
    return torch.cat(out, 1)
