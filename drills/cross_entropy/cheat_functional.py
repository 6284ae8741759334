"""Calls F.cross_entropy, which already has ignore_index and label_smoothing."""

import torch.nn.functional as F

FAILS = "no_banned_calls"


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    return F.cross_entropy(logits, target, ignore_index=ignore_index, label_smoothing=label_smoothing)
