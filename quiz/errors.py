"""Errors the CLI turns into one line on stderr and exit 1. Kept import-free so `quiz --help` stays fast."""

from __future__ import annotations

TYPES = ("flashcard", "mcq", "numeric", "cloze", "errata")  # question types; here so the CLI needn't load bank.py


class QuizError(Exception):
    """An expected failure with an actionable message; never shown as a traceback."""

    def lines(self) -> list[str]:
        return [str(self)]


class BankError(QuizError):
    """Banks cannot be used; carries every problem found (problems.Problem), not just the first."""

    def __init__(self, problems: list):
        self.problems = sorted(problems)
        super().__init__(str(self.problems[0]) if self.problems else "bank error")

    def lines(self) -> list[str]:
        shown = [str(p) for p in self.problems[:10]]
        if len(self.problems) > 10:
            shown.append(f"... and {len(self.problems) - 10} more; run `quiz check` for the full list")
        return shown


class StoreError(QuizError):
    """A one-line, actionable problem with the database."""
