"""The study loop at the terminal: show a card, read keys, hand the answer to the session.

Decisions live in session.py, cards.py and grading.py; rendering in ui.py. This module
only sequences them and reads the keyboard.
"""

from __future__ import annotations

import contextlib
import random
import signal
import time

import click

from . import cards, grading, ui
from .bank import Bank
from .session import Session
from .store import AnswerNotSaved

ENTER = {"\r", "\n"}
AUTO_RETRIES = 2  # a busy store is retried this many times (each waits QUIZ_LOCK_TIMEOUT) before asking
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name))


class Quit(Exception):
    """The user asked to stop (q); the summary still prints."""


class NotSaved(Exception):
    """An answer could not be written and the learner chose to quit: exit status 1."""


class Stopped(BaseException):
    """SIGTERM, SIGHUP or SIGQUIT arrived: print the summary as for Ctrl-C, exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, _frame):
    raise Stopped(signum)


@contextlib.contextmanager
def stop_signals():
    """While a session runs, the stop signals end it like Ctrl-C (summary, then the conventional status)."""
    previous = {}
    for sig in STOP_SIGNALS:
        try:
            previous[sig] = signal.signal(sig, _stop)
        except ValueError:  # not the main thread (tests driving a session in a thread): leave signals alone
            pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def finish(summary, exc: BaseException | None) -> int:
    """Print the summary panel (if the terminal is still there) and return the exit status."""
    status = {KeyboardInterrupt: 130, NotSaved: 1}.get(type(exc), 0)
    if isinstance(exc, Stopped):
        status = 128 + exc.signum
    try:
        if exc is not None:
            ui.console.print()
        ui.console.print(summary())
    except (OSError, ValueError):  # SIGHUP: the terminal is gone; the answers are saved all the same
        pass
    return status


def save(session: Session, rating: int, **answer) -> None:
    """Record the current answer. A busy store is retried (saying so); any failure is one line and
    the choice to retry or quit, so an answer is never dropped without the learner knowing."""
    retries = 0
    while True:
        try:
            session.answer(rating, **answer)
            return
        except AnswerNotSaved as exc:
            if exc.busy and retries < AUTO_RETRIES:
                retries += 1
                ui.console.print("another quiz is writing; retrying...", style="yellow")
                continue
            ui.console.print(ui.plain(f"Error: {exc}", style="bold red"), soft_wrap=True)  # one line, however long
            ui.console.print("r to retry, q to quit", style="dim")
            if key({"r", "q"}) == "q":
                raise NotSaved from None
            retries = 0


def key(valid: set[str]) -> str:
    """One keypress from `valid` (Enter reads as "enter"); Ctrl-C raises KeyboardInterrupt."""
    while True:
        ch = click.getchar()
        ch = "enter" if ch in ENTER else ch.lower()
        if ch in valid:
            return ch


def line(prompt: str) -> str:
    text = ui.console.input(f"[bold]{prompt}[/] › ")
    if text.strip().lower() in {"q", ":q"}:
        raise Quit
    return text.strip()


def ask(p: cards.Presented) -> tuple[str | None, bool | None]:
    """Collect the answer for one card: (what was given, whether it was right) or (None, None) if self-rated."""
    lang = p.lang
    qtype = p.question.type
    if qtype == "mcq":
        ui.console.print(ui.t("pick", lang), style="dim")
        letters = {chr(97 + i) for i in range(len(p.choices))}
        choice = key(letters | {"q"})
        if choice == "q":
            raise Quit
        return choice, cards.grade(p, choice)
    if qtype == "numeric":
        ui.console.print(ui.t("number", lang), style="dim")
        while True:
            given = line("Answer" if lang == "en" else "答案")
            from .grading import parse_number

            if parse_number(given, percent_unit=p.unit == "%") is not None:
                return given, cards.grade(p, given)
            ui.console.print(ui.t("not_number", lang), style="yellow")
    if qtype == "cloze":
        answers = [line(f"{ui.t('gap', lang)} {i + 1}") for i in range(len(p.gaps))]
        return " | ".join(answers), cards.grade(p, answers)
    ui.console.print(ui.t("reveal", lang), style="dim")
    if key({"enter", " ", "q"}) == "q":
        raise Quit
    return None, None


def run_verifier(name: str, highlight: str | None = None, lang: str = "en") -> None:
    from . import verify

    with ui.console.status(f"running verifier {name} (loading torch)…", spinner="dots"):
        result = verify.run(name, figures=True)
    ui.console.print(ui.verifier_panel(result, highlight, lang))


def study(session: Session, bank: Bank, lang: str, rng: random.Random | None = None) -> int:
    """Walk the queue until it is empty, the user quits, Ctrl-C or a stop signal; always print the
    summary. Returns the exit status: 0, 1 (an answer could not be saved), 130 (Ctrl-C), 128 + signal."""
    stopped: BaseException | None = None
    try:
        with stop_signals():
            _study(session, bank, lang, rng or random.Random())
    except (Quit, EOFError):
        ui.console.print()
    except (KeyboardInterrupt, NotSaved, Stopped) as exc:
        stopped = exc
    return finish(lambda: ui.summary_panel(session.summary(), lang), stopped)


def _study(session: Session, bank: Bank, lang: str, rng: random.Random) -> None:
    while (item := session.current()) is not None:
        p = cards.present(item.question, lang, rng)
        ui.console.print()
        ui.console.print(ui.card_panel(p, item, session.counts(), bank))
        started = time.monotonic()
        given, correct = ask(p)
        duration_ms = int((time.monotonic() - started) * 1000)
        ui.console.print(ui.answer_panel(p, correct, given))
        if correct is False and item.question.explanation:  # a wrong answer is when the why helps most
            ui.console.print(ui.explanation_panel(item.question, lang))
        proposed = grading.proposed_rating(correct)
        ui.console.print(ui.rating_bar(session.preview(item), lang, proposed))
        ui.console.print(ui.t("keys", lang, proposed=ui.RATING_NAME[lang][proposed]), style="dim")
        while True:
            k = key({"1", "2", "3", "4", "enter", " ", "e", "v", "u", "q"})
            if k == "q":
                raise Quit
            if k == "e":
                ui.console.print(ui.explanation_panel(item.question, lang))
            elif k == "v":
                name, check = item.question.proof()
                if name:  # the check this card's number comes from is highlighted
                    run_verifier(name, check, lang)
                else:
                    ui.console.print("This card has no verifier.", style="dim")
            elif k == "u":
                undone = session.undo()
                if undone is None:
                    ui.console.print("Nothing to undo.", style="dim")
                    continue
                ui.console.print(ui.plain(f"Undid your answer to {undone.question.id}; it is shown again.",
                                          style="yellow"))  # fmt: skip
                break
            else:
                rating = proposed if k in ("enter", " ") else int(k)
                save(session, rating, given=given, correct=correct, duration_ms=duration_ms)
                break
    ui.console.print("\nNo more cards for now. 🎉" if lang == "en" else "\n今天的卡片都复习完了。🎉")


def exam(session: Session, bank: Bank, lang: str, rng: random.Random, minutes: float | None = None) -> int:
    """A mock interview: no hints, no ratings, nothing rescheduled; a score report at the end.
    Returns the exit status as study() does."""
    from .session import exam_report

    stopped: BaseException | None = None
    try:
        with stop_signals():
            _exam(session, lang, rng, minutes)
    except (Quit, EOFError):
        ui.console.print()
    except (KeyboardInterrupt, NotSaved, Stopped) as exc:
        stopped = exc
    elapsed = time.monotonic() - session.started  # not summary(): that also queries the next due card
    return finish(lambda: ui.exam_report_panel(exam_report(session.history), elapsed, lang), stopped)


def _exam(session: Session, lang: str, rng: random.Random, minutes: float | None) -> None:
    deadline = time.monotonic() + minutes * 60 if minutes else None
    total = len(session.queue)
    while (item := session.current()) is not None:
        if deadline and time.monotonic() > deadline:
            ui.console.print("Time is up." if lang == "en" else "时间到。", style="bold yellow")
            break
        p = cards.present(item.question, lang, rng)
        ui.console.print()
        ui.console.print(ui.exam_panel(p, session.done + 1, total, deadline))
        started = time.monotonic()
        given, correct = ask(p)
        if correct is None:  # self-rated: show the model answer, then the candidate judges honestly
            ui.console.print(ui.answer_panel(p, None, None))
            ui.console.print(ui.t("self_grade", lang), style="dim")
            correct = key({"y", "n", "q"})
            if correct == "q":
                raise Quit
            correct = correct == "y"
        else:
            ui.console.print(ui.answer_panel(p, correct, given))
        save(session, grading.proposed_rating(correct), given=given, correct=correct,
             duration_ms=int((time.monotonic() - started) * 1000))  # fmt: skip
