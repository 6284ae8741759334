"""Treats eos like any other token and keeps extending hypotheses past it."""

import torch

FAILS = "starts_at_bos_stops_at_eos"


def beam_search(log_probs, bos, eos, width, max_len):
    beams = [([bos], log_probs.new_zeros(()))]
    for _ in range(max_len):
        cands = []
        for tokens, score in beams:
            for v in range(log_probs.shape[0]):
                cands.append((tokens + [v], score + log_probs[tokens[-1], v]))
        cands.sort(key=lambda c: float(c[1]), reverse=True)
        beams = cands[:width]
    return torch.tensor(beams[0][0]), beams[0][1]
