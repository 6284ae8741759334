import torch


def beam_search(log_probs, bos, eos, width, max_len):
    V = log_probs.shape[0]
    beams = [(torch.tensor([bos]), log_probs.new_zeros(()))]  # (tokens (t,), total log-prob ())
    for _ in range(max_len):
        candidates = []
        for tokens, score in beams:
            last = int(tokens[-1])
            if last == eos:  # finished: carried over unchanged, still competing for a slot
                candidates.append((tokens, score))
                continue
            for v in range(V):  # every one-token extension; the score adds log P(v | last)
                candidates.append((torch.cat([tokens, torch.tensor([v])]), score + log_probs[last, v]))
        candidates.sort(key=lambda c: float(c[1]), reverse=True)  # global ranking over all beams
        beams = candidates[:width]
        if all(int(t[-1]) == eos for t, _ in beams):
            break
    return beams[0]  # the best: (tokens (L,) long, score () in log_probs' dtype)
