"""Extends each beam only by its own best token, so beams never compete: W greedy searches side by side."""

import torch

FAILS = "global_top_w_across_beams"


def beam_search(log_probs, bos, eos, width, max_len):
    first = log_probs[bos].topk(min(width, log_probs.shape[0]))
    beams = [([bos, int(v)], s) for s, v in zip(first.values, first.indices, strict=False)]
    for _ in range(max_len - 1):
        new = []
        for tokens, score in beams:
            if tokens[-1] == eos:
                new.append((tokens, score))
                continue
            v = int(log_probs[tokens[-1]].argmax())
            new.append((tokens + [v], score + log_probs[tokens[-1], v]))
        beams = new
    best = max(beams, key=lambda b: float(b[1]))
    return torch.tensor(best[0]), best[1]
