"""Supervised fine-tuning on chat data trains only on the assistant's tokens: the labels copy the input ids
with the system and user tokens (and padding) set to -100, which cross-entropy ignores, so the loss equals
the mean negative log-likelihood of the assistant tokens alone, each predicted from the position before it.

The shift matters: logits at position t predict token t + 1, so the mask is applied to the labels before
shifting them against the logits, and the mean is over assistant tokens, not over all positions.
"""

import torch
import torch.nn.functional as F
from _kit import check, check_true, main

IGNORE = -100


def build_labels(input_ids, assistant_mask):
    """input_ids (B, T) and assistant_mask (B, T) bool -> labels (B, T), aligned with input_ids."""
    labels = input_ids.clone()
    labels[~assistant_mask] = IGNORE
    return labels


def causal_lm_loss(logits, labels):
    """What a causal LM does with labels: shift by one, then mean cross-entropy over non-ignored tokens."""
    V = logits.shape[-1]
    return F.cross_entropy(logits[:, :-1].reshape(-1, V), labels[:, 1:].reshape(-1), ignore_index=IGNORE)


def run(seed: int = 0, labels_fn=build_labels) -> list:
    g = torch.Generator().manual_seed(seed)
    V, T = 11, 12
    ids = torch.randint(0, V, (2, T), generator=g)
    # roles per position: 0 system/user, 1 assistant, 2 padding. Two turns in the first conversation.
    roles = torch.tensor([[0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1],
                          [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]])  # fmt: skip
    logits = torch.randn(2, T, V, generator=g, dtype=torch.float64)
    labels = labels_fn(ids, roles == 1)
    loss = causal_lm_loss(logits, labels)

    # by hand: for every assistant token at position t > 0, -log softmax(logits[t - 1])[token]
    logp = logits.log_softmax(-1)
    terms = [-logp[b, t - 1, ids[b, t]] for b in range(2) for t in range(1, T) if roles[b, t] == 1]
    all_terms = [-logp[b, t - 1, ids[b, t]] for b in range(2) for t in range(1, T) if roles[b, t] != 2]
    return [
        check("loss_vs_assistant_tokens_by_hand", sum(terms) / len(terms), loss, rel_tol=1e-12),
        # 7 + 3 assistant tokens are trained on; no prompt or padding token is
        check("trained_positions", 10, (labels[:, 1:] != IGNORE).sum(), abs_tol=0),
        # sanity: training on every non-padding token is a different number here
        check_true("differs_from_unmasked_loss", abs(sum(all_terms) / len(all_terms) - loss) > 1e-6),
    ]


if __name__ == "__main__":
    main(run)
