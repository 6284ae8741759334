"""Parametric questions: draw the parameters, fill the text, compute the answer.

Text is filled by replacing `{name}` placeholders only (no str.format, so a bank
cannot reach attributes); answers come from functions registered in params.py.
"""

from __future__ import annotations

import random
import re

from .bank import Param, Question
from .params import COMPUTE

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def draw(params: tuple[Param, ...], rng: random.Random) -> dict[str, float]:
    values = {}
    for p in params:
        if p.choices:
            values[p.name] = rng.choice(p.choices)
        else:
            steps = int((p.high - p.low) // p.step)
            v = p.low + p.step * rng.randint(0, steps)
            values[p.name] = int(v) if float(v).is_integer() else v
    return values


def compute(question: Question, values: dict[str, float]) -> float:
    return float(COMPUTE[question.numeric.compute](**values))


def pretty(x: float) -> str:
    """Numbers as a person writes them: 4,096 / 0.0125 / 3.15e+23."""
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1e6 or abs(x) < 1e-3:
        return f"{x:.4g}"
    return f"{x:.6g}"


def fill(text: str, values: dict[str, float]) -> str:
    return _PLACEHOLDER.sub(lambda m: pretty(values[m[1]]) if m[1] in values else m[0], text)
