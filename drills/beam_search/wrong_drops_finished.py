"""Drops a hypothesis as soon as it ends with eos instead of carrying it over, so short answers are lost."""

import torch

FAILS = "finished_beams_kept"


def beam_search(log_probs, bos, eos, width, max_len):
    beams = [([bos], log_probs.new_zeros(()))]
    for _ in range(max_len):
        cands = []
        for tokens, score in beams:
            if tokens[-1] == eos:
                continue  # finished: forgotten
            for v in range(log_probs.shape[0]):
                cands.append((tokens + [v], score + log_probs[tokens[-1], v]))
        if not cands:
            break
        cands.sort(key=lambda c: float(c[1]), reverse=True)
        beams = cands[:width]
    return torch.tensor(beams[0][0]), beams[0][1]
