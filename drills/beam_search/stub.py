import torch


def beam_search(log_probs: torch.Tensor, bos: int, eos: int, width: int, max_len: int
                ) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
    """Beam search over a toy bigram language model, no length penalty.

    log_probs: (V, V) float64; row a holds log P(next = b | last = a) (each row's exp sums to 1, no ties).
    A hypothesis starts as [bos] with score 0; its score is the sum of the log-probs of its transitions.
    Repeat at most max_len times: every unfinished hypothesis is extended by every token 0..V-1; a
    finished one (its last token is eos) is carried over unchanged; keep the `width` best of all these
    candidates together. Stop early once all kept hypotheses are finished.
    Returns (tokens, score) of the best kept hypothesis: tokens (L,) long, starting with bos (ending
    with eos if it finished, L <= max_len + 1); score a 0-dim tensor, its total log-probability.
    """
    raise NotImplementedError("write beam_search")
