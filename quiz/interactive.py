"""The study loop at the terminal: show a card, read keys, hand the answer to the session.

Decisions live in session.py, cards.py and grading.py; rendering in ui.py; the keyboard in keys.py.
This module only sequences them.
"""

from __future__ import annotations

import contextlib
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import cards, grading, ui
from .bank import Bank
from .keys import Keyboard, TimeUp
from .session import Item, Session
from .store import AnswerNotSaved

AUTO_RETRIES = 2  # a busy store is retried this many times (each waits QUIZ_LOCK_TIMEOUT) before asking
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name))

_keyboard: Keyboard | None = None  # the session's keyboard, set by terminal_keys() while study() or exam() runs


class Quit(Exception):
    """The user asked to stop (q); the summary still prints."""


class Undo(Exception):
    """u on a question screen: take back the previous answer."""


class NotSaved(Exception):
    """An answer could not be written and the learner chose to quit: exit status 1."""


class Stopped(BaseException):
    """SIGTERM, SIGHUP or SIGQUIT arrived (Stopped(signum)): print the summary as for Ctrl-C, exit 128 + signal."""

    @property
    def signum(self) -> int:
        return self.args[0]


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


def save(session: Session, rating: int, lang: str, **answer) -> None:
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
                ui.console.print(ui.t("save.retrying", lang), style="yellow")
                continue
            ui.console.print(ui.plain(ui.t("save.error", lang, error=exc), style="bold red"),
                             soft_wrap=True)  # one line, however long  # fmt: skip
            ui.console.print(ui.t("save.choice", lang), style="dim")
            if key({"r", "q"}) == "q":
                raise NotSaved from None
            retries = 0


@dataclass(frozen=True)
class Answer:
    given: str | None  # what is stored (cloze gaps joined with " | ")
    correct: bool | None  # None: self-rated
    shown: str | list[str] | None  # what the answer panel shows (a list of gaps for cloze)


def key(valid: set[str], **kw) -> str:
    """One keypress from `valid` (Enter reads as "enter"); Ctrl-C raises KeyboardInterrupt. Keys that
    arrived together are taken one at a time, in order (quiz.keys)."""
    return _keyboard.key(valid, **kw)


def line(prompt: str, *, deadline: float | None, lang: str, undo: bool) -> str:
    def draw() -> None:
        clock = ui.countdown(deadline, lang)
        ui.console.print(ui.prompt_text(f"[{clock}] {prompt}" if clock else prompt), end="")

    text = _keyboard.line(draw, deadline=deadline).strip()
    if text.lower() in {"q", ":q"}:
        raise Quit
    if undo and text.lower() in {"u", ":u"}:
        raise Undo
    return text


def hint(text: str, deadline: float | None, lang: str):
    """Print a key hint; with a deadline, keep a countdown at its end (redrawn in place). Returns the tick."""
    if deadline is None:
        ui.console.print(text, style="dim")
        return None

    def draw() -> None:
        ui.console.file.write("\r\x1b[2K")
        ui.console.print(f"{text}   ⏱ {ui.countdown(deadline, lang)}", style="dim", end="")
        ui.console.file.flush()

    draw()
    return draw


def ask(p: cards.Presented, *, deadline: float | None = None, undo: bool = False) -> Answer:
    """Collect the answer for one card; self-rated cards only reveal (Answer(None, None, None)). `undo`: u (or a typed
    u) raises Undo; the study loop allows it, an exam does not."""
    lang = p.lang
    qtype = p.question.type
    extra = {"u"} if undo else set()
    if qtype == "mcq":
        tick = hint(ui.t("pick" if undo else "pick.exam", lang), deadline, lang)
        letters = {chr(97 + i) for i in range(len(p.choices))}
        choice = key(letters | {"q"} | extra, deadline=deadline, tick=tick)
        if tick:
            ui.console.print()
        if choice == "q":
            raise Quit
        if choice == "u":
            raise Undo
        return Answer(choice, cards.grade(p, choice), choice)
    if qtype == "numeric":
        ui.console.print(f"{ui.t('number', lang)}\n{ui.numeric_hint(p)}", style="dim")
        while True:
            given = line(ui.t("answer", lang), deadline=deadline, lang=lang, undo=undo)
            if cards.parse(p, given) is not None:
                return Answer(given, cards.grade(p, given), given)
            ui.console.print(ui.t("not_number", lang), style="yellow")
    if qtype == "cloze":
        answers = [line(f"{ui.t('gap', lang)} {i + 1}", deadline=deadline, lang=lang, undo=undo and i == 0)
                   for i in range(len(p.gaps))]  # fmt: skip
        return Answer(" | ".join(answers), cards.grade(p, answers), answers)
    tick = hint(ui.t("reveal" if undo else "reveal.exam", lang), deadline, lang)
    k = key({"enter", " ", "q"} | extra, deadline=deadline, tick=tick)
    if tick:
        ui.console.print()
    if k == "q":
        raise Quit
    if k == "u":
        raise Undo
    return Answer(None, None, None)


def run_verifier(name: str, highlight: str | None, lang: str, draw: cards.Presented) -> None:
    from . import verify

    with ui.console.status(ui.t("running_verifier", lang, name=name)):  # rich's default spinner ("dots")
        result = verify.run(name, figures=True)
    ui.console.print(ui.verifier_panel(result, highlight, lang, draw))


@contextlib.contextmanager
def terminal_keys():
    """The terminal in key-at-a-time mode for a whole session (restored after, even on Ctrl-C)."""
    global _keyboard
    with Keyboard() as kb:
        _keyboard = kb
        try:
            yield kb
        finally:
            _keyboard = None


@contextlib.contextmanager
def cooked_terminal():
    """The terminal back in its normal mode for a while (a drill's editor and prompts), then key-at-a-time again."""
    kb = _keyboard
    if kb is not None:
        kb.__exit__(None, None, None)
    try:
        yield
    finally:
        if kb is not None:
            kb.__enter__()


def drill_card(question, lang: str, workers: dict, exam: bool = False) -> tuple[str | None, bool | None, int]:
    """A drill card: Enter opens the editor (or waits for Enter) and judges on return, until pass or q.
    Returns (given, correct, proposed rating); q before any attempt raises Quit."""
    from . import drill_ui, drills
    from .sandbox import Worker

    drill = drills.find(question.id.removeprefix("drill."))
    if "w" not in workers:  # warm torch in the background while the learner reads the prompt
        workers["w"] = Worker(drill.directory.parent)
    ui.console.print(ui.t("drill_start", lang), style="dim")
    if key({"enter", " ", "q"}) == "q":
        raise Quit
    with cooked_terminal():  # the drill's own keys and the editor get the terminal as they expect it
        outcome = drill_ui.practice(drill, lang, exam=exam, worker=workers["w"], show_prompt=False, fresh=True)
    if not outcome.attempts:
        raise Quit
    return outcome.given(), outcome.passed, outcome.rating()


def _run_loop(loop: Callable[[dict], None]) -> BaseException | None:
    """Run a study or exam loop with the stop signals caught and the terminal in key-at-a-time mode, and close
    the drill workers it started. Returns what ended it early (Ctrl-C, a stop signal, an answer that could not
    be saved), or None when the queue ran out or the learner quit."""
    drill_workers: dict = {}
    try:
        with stop_signals(), terminal_keys():
            loop(drill_workers)
    except (Quit, EOFError):
        ui.console.print()
    except (KeyboardInterrupt, NotSaved, Stopped) as exc:
        return exc
    finally:
        for w in drill_workers.values():
            w.close()
    return None


def study(session: Session, bank: Bank, lang: str, rng: random.Random | None = None) -> int:
    """Walk the queue until it is empty, the user quits, Ctrl-C or a stop signal; always print the
    summary. Returns the exit status: 0, 1 (an answer could not be saved), 130 (Ctrl-C), 128 + signal."""
    rng = rng or random.Random()
    stopped = _run_loop(lambda workers: _study(session, bank, lang, rng, workers))
    return finish(lambda: ui.summary_panel(session.summary(), lang), stopped)


def exam(session: Session, bank: Bank, lang: str, rng: random.Random, minutes: float | None = None) -> int:
    """A mock interview: no hints, no ratings, nothing rescheduled; a score report at the end.
    Returns the exit status as study() does."""
    from .session import exam_report

    unanswered: list[Item] = []
    stopped = _run_loop(lambda workers: _exam(session, lang, rng, minutes, unanswered, workers))
    elapsed = time.monotonic() - session.started  # not summary(): that also queries the next due card
    return finish(lambda: ui.exam_report_panel(exam_report(session.history, unanswered), elapsed, lang), stopped)


def _undo(session: Session, lang: str) -> None:
    undone = session.undo()
    if undone is None:
        ui.console.print(ui.t("nothing_to_undo", lang), style="dim")
    else:
        ui.console.print(ui.plain(ui.t("undone", lang, id=undone.question.id), style="yellow"))


def _study(session: Session, bank: Bank, lang: str, rng: random.Random, drill_workers: dict) -> None:
    while (item := session.current()) is not None:
        p = cards.present(item.question, lang, rng)
        ui.console.print()
        ui.console.print(ui.card_panel(p, item, session.counts(), bank, cram=session.cram))
        started = time.monotonic()
        proposed = None
        if item.question.type == "drill":  # a coding drill: Enter opens the editor, judged on return
            given, correct, proposed = drill_card(item.question, lang, drill_workers)
            answer = Answer(given, correct, None)
        else:
            try:
                answer = ask(p, undo=True)
            except Undo:
                _undo(session, lang)
                continue
        duration_ms = int((time.monotonic() - started) * 1000)
        _rate(session, item, p, answer, duration_ms, lang, proposed)
    ui.console.print("\n" + ui.t("no_more", lang))
    note = session.limit_note(lang)
    if note:
        ui.console.print(ui.plain(note, style="yellow"))


def _rate(session: Session, item: Item, p: cards.Presented, answer: Answer, duration_ms: int, lang: str,
          proposed: int | None) -> None:  # fmt: skip
    """The answer screen and the rating keys, until the learner rates (saved) or undoes (the previous answer is
    taken back; this one is dropped). A drill's verdict panel was its answer screen, and it proposes its own rating."""
    if item.question.type != "drill":
        ui.console.print(ui.answer_panel(p, answer.correct, answer.shown))
    shown = set()
    if answer.correct is False and item.question.explanation:  # a wrong answer is when the why helps most
        ui.console.print(ui.explanation_panel(item.question, lang))
        shown.add("e")
    if proposed is None:
        proposed = grading.proposed_rating(answer.correct)
    intervals = session.preview(item)

    def bar() -> None:
        ui.console.print(ui.rating_bar(intervals, lang, proposed))
        ui.console.print(ui.t("keys", lang, proposed=ui.RATING_NAME[lang][proposed]), style="dim")

    bar()
    while True:
        k = key({"1", "2", "3", "4", "enter", " ", "e", "v", "u", "q"})
        if k == "q":
            raise Quit
        if k in ("e", "v") and k in shown:
            continue  # already on screen: never printed twice
        if k == "e":
            ui.console.print(ui.explanation_panel(item.question, lang))
            shown.add(k)
            bar()
        elif k == "v":
            name, check = item.question.proof()
            if name:  # the check this card's number comes from is highlighted
                run_verifier(name, check, lang, p)  # a parametric card adds its draw to the panel
            else:
                ui.console.print(ui.t("no_verifier", lang), style="dim")
            shown.add(k)
            bar()
        elif k == "u":
            _undo(session, lang)
            return
        else:
            rating = proposed if k in ("enter", " ") else int(k)
            save(session, rating, lang, given=answer.given, correct=answer.correct, duration_ms=duration_ms)
            return


def _exam(session: Session, lang: str, rng: random.Random, minutes: float | None, unanswered: list[Item],
          drill_workers: dict) -> None:  # fmt: skip
    """The questions of a mock interview. With a time limit, a countdown runs while each question is open; at
    the deadline the open question and the rest are scored unanswered (added to `unanswered`)."""
    deadline = time.monotonic() + minutes * 60 if minutes else None
    total = len(session.queue)
    while (item := session.current()) is not None:
        p = cards.present(item.question, lang, rng)
        ui.console.print()
        ui.console.print(ui.exam_panel(p, session.done + 1, total, deadline))
        started = time.monotonic()
        try:
            if item.question.type == "drill":  # judged, no hints; the verdict panel was the answer
                given, correct, _ = drill_card(item.question, lang, drill_workers, exam=True)
            else:
                answer = ask(p, deadline=deadline)
                given, correct = answer.given, answer.correct
            if correct is None:  # self-rated: show the model answer, then the candidate judges honestly
                ui.console.print(ui.answer_panel(p, None, None))
                tick = hint(ui.t("self_grade", lang), deadline, lang)
                verdict = key({"y", "n", "q"}, deadline=deadline, tick=tick)
                if tick:
                    ui.console.print()
                if verdict == "q":
                    raise Quit
                correct = verdict == "y"
            elif item.question.type != "drill":
                ui.console.print(ui.answer_panel(p, correct, answer.shown))
        except TimeUp:
            ui.console.print("\n" + ui.t("exam.time_up", lang), style="bold yellow")
            unanswered[:] = [item, *list(session.queue)[1:]]
            return
        save(session, grading.proposed_rating(correct), lang, given=given, correct=correct,
             duration_ms=int((time.monotonic() - started) * 1000))  # fmt: skip


def scripted_exam(session: Session, bank: Bank, lang: str, rng: random.Random, lines: list[str]) -> int:
    """`quiz exam --answers FILE`: line i answers question i, no terminal needed. mcq: the letter or the
    choice's text; numeric: a number (units allowed); cloze: the gaps separated by "|"; flashcard and
    errata: y or n (the candidate's own verdict). An empty or missing line leaves the question unanswered.
    Returns the exit status: 1 when an answer could not be saved (one line says why; the report still prints)."""
    from .grading import normalise
    from .session import exam_report

    total = len(session.queue)
    unanswered: list[Item] = []
    status = 0
    for n in range(total):
        item = session.current()
        p = cards.present(item.question, lang, rng)
        ui.console.print(ui.exam_panel(p, n + 1, total, None))
        text = lines[n].strip() if n < len(lines) else ""
        given: str | None = text
        shown: str | list[str] | None = text
        if not text or p.question.type == "drill":  # a coding drill is judged on code, not on a line: unanswered
            correct = None
        elif p.question.type == "mcq":
            letter = text.lower() if len(text) == 1 else next(
                (chr(97 + i) for i, c in enumerate(p.choices) if normalise(c) == normalise(text)), "?")
            given = shown = letter
            correct = cards.grade(p, letter)
        elif p.question.type == "numeric":
            correct = cards.grade(p, text)  # a line that is not a number is wrong
        elif p.question.type == "cloze":
            shown = [g.strip() for g in text.split("|")]
            given, correct = " | ".join(shown), cards.grade(p, shown)
        else:
            correct = text.lower() in {"y", "yes", "是", "对"}
            given = shown = None
        if correct is None:
            session.skip()
            unanswered.append(item)
            ui.console.print(ui.plain(f"{ui.t('exam.unanswered', lang)}{'' if lang == 'zh' else ' '}{item.question.id}",
                                      style="yellow"))  # fmt: skip
            continue
        ui.console.print(ui.answer_panel(p, correct, shown))
        try:
            session.answer(grading.proposed_rating(correct), given=given, correct=correct)
        except AnswerNotSaved as exc:  # no terminal to offer a retry on: say so and stop
            ui.console.print(ui.plain(ui.t("save.error", lang, error=exc), style="bold red"), soft_wrap=True)
            status = 1
            break
    elapsed = time.monotonic() - session.started
    ui.console.print(ui.exam_report_panel(exam_report(session.history, unanswered), elapsed, lang))
    return status
