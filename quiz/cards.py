"""One showing of a card, in one language: choices shuffled, parameters drawn, gaps blanked.

Pure: given a question, a language and a random generator, say what to display and what
counts as right. The UI renders a Presented; grading.py judges answers against it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import grading, parametric
from .bank import GAP_RE, Question


@dataclass(frozen=True)
class Presented:
    question: Question
    lang: str
    prompt: str
    answer: str  # text shown on the answer screen
    choices: tuple[str, ...] = ()  # mcq, in display order
    correct_index: int = -1  # mcq: which displayed choice is right
    value: float | None = None  # numeric: the expected number (drawn params applied)
    gaps: tuple[tuple[str, ...], ...] = ()  # cloze: accepted alternatives per gap
    params: tuple[tuple[str, float], ...] = ()  # parametric: what was drawn

    @property
    def unit(self) -> str:
        return self.question.numeric.unit if self.question.numeric else ""


def present(q: Question, lang: str, rng: random.Random) -> Presented:
    prompt = q.prompt.get(lang)
    answer = q.answer.get(lang) if q.answer else ""
    if q.type == "mcq":
        order = list(range(len(q.choices)))
        rng.shuffle(order)
        choices = tuple(q.choices[i].text.get(lang) for i in order)
        correct = next((pos for pos, i in enumerate(order) if q.choices[i].correct), -1)
        return Presented(q, lang, prompt, answer, choices, correct)
    if q.type == "numeric" and q.numeric:
        values: dict[str, float] = {}
        value = q.numeric.value
        if q.params:
            values = parametric.draw(q.params, rng)
            value = parametric.compute(q, values)
        filled = {**values, "answer": value} if value is not None else values
        prompt = parametric.fill(prompt, values)
        shown = f"{parametric.pretty(value)}{' ' + q.numeric.unit if q.numeric.unit else ''}" if value is not None else "?"
        answer = parametric.fill(answer, filled) if answer else shown
        if shown not in answer:
            answer = f"{shown}. {answer}" if answer != shown else shown
        return Presented(q, lang, prompt, answer, value=value, params=tuple(values.items()))
    if q.type == "cloze":
        gaps = tuple(tuple(alts) for alts in q.gaps(lang))
        blanked = prompt
        for n in range(len(gaps)):
            blanked = GAP_RE.sub(f"[{n + 1}] ____", blanked, count=1)
        filled = q.cloze_answer().get(lang)
        return Presented(q, lang, blanked, f"{filled}\n\n{answer}".strip(), gaps=gaps)
    return Presented(q, lang, prompt, answer)


def grade(p: Presented, given: str | list[str]) -> bool:
    """Auto-grade an mcq letter, a typed number or the cloze gaps."""
    if p.question.type == "mcq":
        return grading.mcq_correct(str(given), p.correct_index)
    if p.question.type == "numeric":
        number = grading.parse_number(str(given), percent_unit=p.unit == "%")
        return number is not None and p.value is not None and grading.numeric_correct(
            number, p.value, p.question.numeric.tolerance)
    if p.question.type == "cloze":
        answers = list(given) if isinstance(given, list) else [given]
        if len(answers) != len(p.gaps):
            return False
        return all(grading.cloze_correct(a, alts) for a, alts in zip(answers, p.gaps, strict=True))
    raise ValueError(f"{p.question.type} cards are self-rated")
