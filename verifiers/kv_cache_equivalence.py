"""Decoding one token at a time with a KV cache gives the same logits as recomputing the whole sequence at
every step (float64, within 1e-10), whether the prompt is fed all at once (prefill) or token by token. It works
because of the causal mask: an earlier token's keys and values never change when later tokens arrive.

At step t the new token needs keys and values of tokens 0..t at every layer. Those of tokens < t were
computed at earlier steps and, under a causal mask, depend only on tokens < t, so they can be stored and
reused; only the new token's q, k, v are computed. In a bidirectional model they would change with every
new token, so a cache would be stale: the control check shows that.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_at_least, main


def append(cache_k, cache_v, k_new, v_new):
    """Grow the cache along time: (H, t, d_h) + (H, n, d_h) -> (H, t+n, d_h)."""
    return torch.cat([cache_k, k_new], dim=1), torch.cat([cache_v, v_new], dim=1)


def init_params(g, vocab=11, d=16, n_layers=2, max_len=32):
    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64) / shape[0] ** 0.5

    layers = [dict(w_qkv=randn(d, 3 * d), w_o=randn(d, d), w_1=randn(d, 4 * d), w_2=randn(4 * d, d))
              for _ in range(n_layers)]
    return dict(wte=randn(vocab, d) * d**0.5, wpe=randn(max_len, d) * d**0.5, layers=layers)


def empty_cache(params, n_heads):
    d_h = params["wte"].shape[1] // n_heads
    return [(torch.zeros(n_heads, 0, d_h, dtype=torch.float64),) * 2 for _ in params["layers"]]


def forward(params, tokens, cache, n_heads=2, causal=True, append=append):
    """Process n new tokens after the t already in `cache`. Returns logits (n, vocab) and the new cache."""
    t0, n = cache[0][0].shape[1], len(tokens)
    d = params["wte"].shape[1]
    x = params["wte"][tokens] + params["wpe"][t0 : t0 + n]  # (n, d)
    new_cache = []
    for layer, (cache_k, cache_v) in zip(params["layers"], cache, strict=True):
        h = F.layer_norm(x, (d,))
        q, k, v = (h @ layer["w_qkv"]).split(d, dim=-1)  # (n, d) each
        q, k, v = (t.view(n, n_heads, d // n_heads).transpose(0, 1) for t in (q, k, v))  # (H, n, d_h)
        cache_k, cache_v = append(cache_k, cache_v, k, v)  # (H, t0+n, d_h)
        new_cache.append((cache_k, cache_v))
        scores = q @ cache_k.transpose(-2, -1) / (d // n_heads) ** 0.5  # (H, n, t0+n)
        if causal:  # new token i sits at position t0+i and may see keys 0..t0+i
            keys = torch.arange(cache_k.shape[1])
            scores = scores.masked_fill(keys[None, :] > t0 + torch.arange(n)[:, None], float("-inf"))
        y = (scores.softmax(-1) @ cache_v).transpose(0, 1).reshape(n, d)
        x = x + y @ layer["w_o"]
        x = x + F.gelu(F.layer_norm(x, (d,)) @ layer["w_1"]) @ layer["w_2"]
    return F.layer_norm(x, (d,)) @ params["wte"].T, new_cache  # tied output head


def decode(params, tokens, prefill=0, append=append):
    """Logits for every position, feeding `prefill` tokens at once and the rest one at a time."""
    cache = empty_cache(params, 2)
    logits = []
    if prefill:
        out, cache = forward(params, tokens[:prefill], cache, append=append)
        logits.append(out)
    for t in range(prefill, len(tokens)):
        out, cache = forward(params, tokens[t : t + 1], cache, append=append)
        logits.append(out)
    return torch.cat(logits), cache


def run(seed: int = 0, append=append) -> list:
    g = torch.Generator().manual_seed(seed)
    T = 16
    params = init_params(g)
    tokens = torch.randint(0, 11, (T,), generator=g)

    full, _ = forward(params, tokens, empty_cache(params, 2))  # (T, vocab): recompute everything at once
    step, cache = decode(params, tokens, append=append)
    prefilled, _ = decode(params, tokens, prefill=6, append=append)
    # Control: the same weights without the causal mask; earlier tokens' k, v now depend on later tokens.
    bidirectional, _ = forward(params, tokens, empty_cache(params, 2), causal=False)

    exact = 1e-10  # float64, same arithmetic in a different order and chunking
    return [
        check("max_abs_diff_cached_vs_full", 0.0, (step - full).abs().max(), abs_tol=exact),
        check("max_abs_diff_prefill_then_cached_vs_full", 0.0, (prefilled - full).abs().max(), abs_tol=exact),
        check("cached_positions_per_layer", T, min(k.shape[1] for k, _ in cache), abs_tol=0),
        check_at_least("max_abs_diff_cached_vs_bidirectional_full", 1e-3, (step - bidirectional).abs().max(),
                       note="control: a cache is only exact under a causal mask"),
    ]


if __name__ == "__main__":
    main(run)
