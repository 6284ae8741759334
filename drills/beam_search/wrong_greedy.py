"""Ignores the width: always extends the single best hypothesis by its most likely token (greedy decoding)."""

import torch

FAILS = "beats_greedy"


def beam_search(log_probs, bos, eos, width, max_len):
    tokens, score = [bos], log_probs.new_zeros(())
    for _ in range(max_len):
        if tokens[-1] == eos:
            break
        nxt = int(log_probs[tokens[-1]].argmax())
        score = score + log_probs[tokens[-1], nxt]
        tokens.append(nxt)
    return torch.tensor(tokens), score
