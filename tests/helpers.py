"""Helpers shared by several test modules (pytest puts tests/ on sys.path: `from helpers import ...`).

Making a formula or an injectable implementation 5% wrong (test_pinned_parametric, test_pinned_tolerance).
"""

from __future__ import annotations

import sys

# --- 5% wrong ----------------------------------------------------------------------------------------------


def five_percent_off(value, *, whole: bool = False):
    """`value` 5% too large: a number or tensor times 1.05, a tuple element by element. With whole=True an int
    stays an int and moves by at least 1 (max(round(1.05 n), n + 1)). A bool or anything else: TypeError."""
    if isinstance(value, bool):
        raise TypeError("bool")
    if whole and isinstance(value, int):
        return max(round(value * 1.05), value + 1)
    torch = sys.modules.get("torch")  # a tensor can only come from a torch that is already imported
    if isinstance(value, (int, float)) or (torch is not None and isinstance(value, torch.Tensor)):
        return value * 1.05
    if isinstance(value, tuple):
        return tuple(five_percent_off(v, whole=whole) for v in value)
    raise TypeError(type(value).__name__)


def made_five_percent_off(fn, *, whole: bool = False):
    """`fn` wrapped to return `five_percent_off` of its result."""

    def wrong(*args, **kwargs):
        return five_percent_off(fn(*args, **kwargs), whole=whole)

    return wrong
