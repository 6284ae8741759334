"""Judge for greedy decoding with a KV cache. The learner drives a tiny one-layer causal model through
`embed`, `qkv` and `logits`; the model records every call, so the judge can see the cache discipline
directly (after the prefill exactly one new token per call, positions 0, 1, 2, ... in order, the tokens
fed back are the ones returned) and the attention output at every step (compared with attention recomputed
from scratch over every position embedded so far). The tokens must equal greedy decoding by full
recomputation. informative() shows that every wrong solution's tokens differ from full recomputation on
these inputs and that no greedy step is a near tie."""

import math

import torch
from _judge import (
    Failed,
    call,
    check_at_least,
    check_true,
    example_text,
    failed,
    generator,
    passed,
    sibling,
)

reference = sibling(__file__, "reference").generate
WRONG = ("wrong_cache_not_appended", "wrong_last_token_only", "wrong_no_scale", "wrong_first_position_logits",
         "wrong_skips_last_prompt_token", "wrong_refeeds_last_prompt_token", "wrong_sdpa_is_causal_on_step")  # fmt: skip


class TinyLM:
    """x = wte[idx] + wpe[pos]; a = causal attention (the learner's); logits = (x + a Wo) W_lm. Records calls."""

    def __init__(self, seed: int, vocab: int = 11, d_model: int = 8, max_len: int = 24):
        g = generator(1000 + seed)
        r = lambda *s, scale=1.0: torch.randn(*s, generator=g, dtype=torch.float64) * scale  # noqa: E731
        self.d_model, self.vocab, self.max_len = d_model, vocab, max_len
        self._wte, self._wpe = r(vocab, d_model), r(max_len, d_model)
        self._wq, self._wk, self._wv = (r(d_model, d_model, scale=1.5 / math.sqrt(d_model)) for _ in range(3))
        self._wo, self._lm = r(d_model, d_model, scale=2.0 / math.sqrt(d_model)), r(d_model, vocab)
        self.embeds: list[tuple[torch.Tensor, torch.Tensor]] = []  # (idx (B, T), pos (T,)) per call
        self.qkv_sizes: list[int] = []  # T of every qkv call
        self.attn: list[tuple[int, torch.Tensor]] = []  # (positions embedded so far, a[:, -1] (B, D)) per logits call

    def embed(self, idx, pos):
        if not (isinstance(idx, torch.Tensor) and idx.dim() == 2 and not idx.dtype.is_floating_point):
            raise ValueError(f"embed: idx must be a (B, T) integer tensor, got {getattr(idx, 'shape', idx)}")
        if not (isinstance(pos, torch.Tensor) and pos.dim() == 1 and pos.shape[0] == idx.shape[1]):
            raise ValueError(f"embed: pos must be a (T,) tensor with T = {idx.shape[1]}, got {getattr(pos, 'shape', pos)}")
        if int(pos.min()) < 0 or int(pos.max()) >= self.max_len or int(idx.min()) < 0 or int(idx.max()) >= self.vocab:
            raise IndexError(f"embed: positions must be in [0, {self.max_len}) and ids in [0, {self.vocab})")
        self.embeds.append((idx.detach().clone().long(), pos.detach().clone().long()))
        return self._wte[idx.long()] + self._wpe[pos.long()]  # (B, T, D)

    def qkv(self, x):
        self.qkv_sizes.append(int(x.shape[1]) if isinstance(x, torch.Tensor) and x.dim() == 3 else -1)
        return self._qkv(x)

    def _qkv(self, x):  # the judge's own calls, not recorded
        return x @ self._wq, x @ self._wk, x @ self._wv  # (B, T, D) each

    def logits(self, x, a):
        if not (isinstance(a, torch.Tensor) and a.shape == x.shape):
            raise ValueError(f"logits: a must have x's shape {tuple(x.shape)}, got {getattr(a, 'shape', a)}")
        self.attn.append((sum(int(p.shape[0]) for _, p in self.embeds), a[:, -1].detach().clone()))
        return (x + a @ self._wo) @ self._lm  # (B, T, V)

    # --- the judge's own view ------------------------------------------------------------------------
    def history(self, n: int | None = None):
        idx = torch.cat([i for i, _ in self.embeds], 1)
        pos = torch.cat([p for _, p in self.embeds])
        return (idx, pos) if n is None else (idx[:, :n], pos[:n])

    def last_attention(self, idx, pos):
        """Attention output of the last position over every position, recomputed from scratch: (B, D)."""
        x = self._wte[idx] + self._wpe[pos]  # (B, N, D)
        q, k, v = self._qkv(x)
        w = torch.softmax(q[:, -1:] @ k.transpose(1, 2) / math.sqrt(self.d_model), dim=-1)  # (B, 1, N)
        return (w @ v)[:, 0]

    def full_greedy(self, prompt, n_new):
        """Greedy decoding by full recomputation (no cache): the answer, and the smallest top-2 logit gap."""
        seq, gap = prompt.clone(), float("inf")
        for _ in range(n_new):
            T = seq.shape[1]
            x = self._wte[seq] + self._wpe[torch.arange(T)]
            q, k, v = self._qkv(x)
            att = (q @ k.transpose(1, 2) / math.sqrt(self.d_model)).masked_fill(
                ~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf")).softmax(-1)  # fmt: skip
            last = ((x + (att @ v) @ self._wo) @ self._lm)[:, -1]  # (B, V)
            top2 = last.topk(2, dim=-1).values
            gap = min(gap, float((top2[:, 0] - top2[:, 1]).min()))
            seq = torch.cat([seq, last.argmax(-1, keepdim=True)], 1)
        return seq, gap


def cases(seed: int) -> list[tuple[int, torch.Tensor, int]]:
    """(model seed, prompt (B, T0), n_new): batch 1..3, prompt length 1..6, one to eight new tokens."""
    g = generator(seed)
    out = []
    for b, t0, n in ((1, 4, 6), (2, 3, 8), (3, 1, 5), (2, 6, 1), (1, 2, 7), (3, 5, 4)):
        out.append((seed * 10 + len(out), torch.randint(0, 11, (b, t0), generator=g), n))
    return out


def trace(impl, case):
    """Run impl on a fresh recording model: (model, output tensor). Raises Failed."""
    model_seed, prompt, n_new = case
    model = TinyLM(model_seed)
    out = call(impl, model, prompt, n_new)
    return model, out


def shown(case, want, got):
    """The prompt, then only the generated tokens expected and got (at most 8 per row)."""
    t0 = case[1].shape[-1]
    tail = (lambda t: t[..., t0:] if isinstance(t, torch.Tensor) and t.dim() == want.dim() else t)  # noqa: E731
    return example_text({"prompt": case[1], "n_new": case[2]}, tail(want), tail(got))


def verdicts(impl, seed: int):
    """Every check, computed from one run per case (the model records what the learner did)."""
    names = ("returns_prompt_and_new_tokens", "one_token_per_step", "positions_advance", "feeds_back_generated_tokens",
             "attends_to_all_cached_keys", "first_token_from_prefill", "matches_full_recomputation")  # fmt: skip
    problems: dict[str, tuple] = {}

    def note(name, why, ex=""):
        problems.setdefault(name, (why, ex))

    for case in cases(seed):
        _, prompt, n_new = case
        B, T0 = prompt.shape
        try:
            model, out = trace(impl, case)
        except Failed as exc:
            return [failed(names[0], str(exc))]
        want, _ = model.full_greedy(prompt, n_new)
        if out.shape != want.shape or out.dtype.is_floating_point or out.dtype == torch.bool:
            note(names[0], f"returned shape {tuple(out.shape)} {out.dtype}; expected {tuple(want.shape)} torch.int64",
                 shown(case, want, out))  # fmt: skip
            note(names[6], "the output cannot be compared (see the first failed check)")
            continue
        out = out.long()
        if not torch.equal(out, want):
            note(names[6], "the tokens differ from greedy decoding by full recomputation", shown(case, want, out))
        if not torch.equal(out[:, :T0], prompt):
            note(names[0], "the output does not start with the prompt", shown(case, want, out))
            continue
        if not model.embeds:
            note(names[1], "model.embed was never called")
            continue
        sizes = [int(p.shape[0]) for _, p in model.embeds]
        if any(s != 1 for s in sizes[1:]) or len(sizes) > n_new + 1:
            note(names[1], f"tokens embedded per call: {sizes}; after the prefill, feed one new token per call "
                           f"(expected [{T0}] + [1] * {n_new - 1})")  # fmt: skip
        elif any(s != 1 for s in model.qkv_sizes[1:]):
            note(names[1], f"positions per model.qkv call: {model.qkv_sizes}; after the prefill compute q, k, v for "
                           "the new token only and take the older k, v from the cache")  # fmt: skip
        idx, pos = model.history()
        if not torch.equal(pos, torch.arange(pos.shape[0])):
            note(names[2], f"positions passed to embed, in call order: {pos.tolist()}; expected 0, 1, 2, ...")
        n = min(idx.shape[1], out.shape[1])
        if idx.shape[1] > out.shape[1] or not torch.equal(idx[:, :n], out[:, :n]):
            note(names[3], "the tokens fed to embed, in order, are not the start of the returned sequence "
                           f"(fed {idx.tolist()}, returned {out.tolist()})")  # fmt: skip
        if not torch.equal(out[:, T0], want[:, T0]):
            note(names[5], "the first new token is not the argmax of the prefill's last-position logits",
                 shown(case, want, out))  # fmt: skip
        for n_seen, a in model.attn:
            if n_seen == 0:
                continue
            expect = model.last_attention(*model.history(n_seen))
            err = float((a - expect).abs().max())
            if not err <= 1e-9:
                note(names[4], f"at position {n_seen - 1} the attention output is off by {err:.3g}: it must "
                               f"attend over all {n_seen} positions embedded so far, scaled by 1/sqrt(D)")  # fmt: skip
                break
    checks = []
    for name in names:
        if name in problems:
            why, ex = problems[name]
            checks.append(failed(name, why, ex))
        else:
            checks.append(passed(name))
    return checks


def run(impl, seed: int = 0) -> list:
    return verdicts(impl, seed)


def informative(seed: int = 0) -> list:
    all_cases = cases(seed)
    wants, gaps, distinct = [], [], 0
    for model_seed, prompt, n_new in all_cases:
        want, gap = TinyLM(model_seed).full_greedy(prompt, n_new)
        wants.append(want)
        gaps.append(gap)
        distinct = max(distinct, int(want[0, prompt.shape[1]:].unique().numel()))

    def changes_tokens(fn):
        for case, want in zip(all_cases, wants, strict=True):
            try:
                got = trace(fn, case)[1]
            except Failed:
                return True
            if got.shape != want.shape or not torch.equal(got, want):
                return True
        return False

    separated = [check_true(f"{w.removeprefix('wrong_')}_changes_tokens", changes_tokens(sibling(__file__, w).generate))
                 for w in WRONG]  # fmt: skip
    return [
        check_true("reference_equals_full_recomputation", not changes_tokens(reference)),
        check_at_least("no_near_ties_in_greedy_steps", 1e-3, min(gaps)),
        check_at_least("generated_tokens_vary", 3, distinct),
        *separated,
    ]
