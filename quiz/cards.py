"""One showing of a card, in one language: choices shuffled, parameters drawn, gaps blanked.

Pure: given a question, a language and a random generator, say what to display and what
counts as right. The UI renders a Presented; grading.py judges answers against it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import grading, i18n, parametric
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

    @property
    def tolerance(self) -> float:
        return self.question.numeric.tolerance if self.question.numeric else 0.0

    @property
    def about(self) -> bool:
        """An "About how many ..." card: a rounded answer (1 or 2 significant figures) is accepted."""
        return self.question.type == "numeric" and grading.is_about(self.question.prompt.en + self.question.prompt.zh)

    @property
    def exact(self) -> bool:
        return grading.exact(self.value, self.tolerance)


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
        unit = i18n.unit(q.numeric.unit, lang) if q.numeric.unit else ""
        shown = f"{parametric.pretty(value)}{' ' + unit if unit else ''}" if value is not None else "?"
        answer = parametric.fill(answer, filled) if answer else shown
        if shown not in answer:
            answer = f"{shown}{'。' if lang == 'zh' else '. '}{answer}" if answer != shown else shown
        return Presented(q, lang, prompt, answer, value=value, params=tuple(values.items()))
    if q.type == "cloze":
        gaps = tuple(tuple(alts) for alts in q.gaps(lang))
        blanked = prompt
        for n in range(len(gaps)):
            blanked = GAP_RE.sub(f"[{n + 1}]____", blanked, count=1)  # one word: never split
        filled = q.cloze_answer().get(lang)
        return Presented(q, lang, blanked, f"{filled}\n\n{answer}".strip(), gaps=gaps)
    return Presented(q, lang, prompt, answer)


def grade(p: Presented, given: str | list[str]) -> bool:
    """Auto-grade an mcq letter, a typed number or the cloze gaps."""
    if p.question.type == "mcq":
        return grading.mcq_correct(str(given), p.correct_index)
    if p.question.type == "numeric":
        number = parse(p, str(given))
        return number is not None and p.value is not None and grading.numeric_correct(
            number, p.value, p.tolerance, p.about)
    if p.question.type == "cloze":
        answers = list(given) if isinstance(given, list) else [given]
        return len(answers) == len(p.gaps) and all(grade_gaps(p, answers))
    raise ValueError(f"{p.question.type} cards are self-rated")


def parse(p: Presented, given: str) -> float | None:
    """The number typed for a numeric card, its unit understood ("14 GB" on a card in GB is 14)."""
    return grading.parse_number(given, percent_unit=p.unit == "%", unit=p.unit)


def grade_gaps(p: Presented, answers: list[str]) -> list[bool]:
    """Right or wrong for each cloze gap, in order (a missing answer is wrong)."""
    return [i < len(answers) and grading.cloze_correct(answers[i], list(alts)) for i, alts in enumerate(p.gaps)]
