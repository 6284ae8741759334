"""Overwrites the score with the last step's log-prob instead of adding it to the running total."""

import torch

FAILS = "score_is_sum_of_log_probs"


def beam_search(log_probs, bos, eos, width, max_len):
    beams = [([bos], log_probs.new_zeros(()))]
    for _ in range(max_len):
        cands = []
        for tokens, score in beams:
            if tokens[-1] == eos:
                cands.append((tokens, score))
                continue
            for v in range(log_probs.shape[0]):
                cands.append((tokens + [v], log_probs[tokens[-1], v]))
        cands.sort(key=lambda c: float(c[1]), reverse=True)
        beams = cands[:width]
        if all(t[-1] == eos for t, _ in beams):
            break
    return torch.tensor(beams[0][0]), beams[0][1]
