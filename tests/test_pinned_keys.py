"""The study and exam loops driven in-process with scripted keys (the pty tests drive the real terminal).

Fast, and visible to mutation testing (a child process is not): every key, its upper-case twin, ignored
keys, Enter and space on the proposed rating, undo, y/n self-grading, a failed save, and the exam timer
with a controlled clock.
"""

import io
import random
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.console import Console

from quiz import bank as bank_mod
from quiz import interactive, ui
from quiz.keys import Keyboard, split_keys
from quiz.session import Limits, Session
from quiz.store import AnswerNotSaved

FIXTURE = Path(__file__).parent / "data" / "bank"
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


class Script:
    """Keys and typed lines, in order, fed through main's keyboard queue (quiz.keys.Keyboard): a one-character
    item is a key, a longer one a line typed and ended with Enter; running out is a Ctrl-D (EOFError).
    `before_item` runs before each item is delivered (the exam timer test advances its clock there)."""

    def __init__(self, monkeypatch, *inputs):
        self.inputs = deque(inputs)
        self.out = io.StringIO()
        self.before_item = lambda: None
        console = Console(file=self.out, width=100, force_terminal=False, highlight=False)
        monkeypatch.setattr(ui, "console", console)
        script = self

        class ScriptKeyboard(Keyboard):
            def _fill(self, timeout):
                if not script.inputs:
                    raise EOFError
                script.before_item()
                item = script.inputs.popleft()
                self.pending.extend(split_keys(item) + ([] if len(item) == 1 or item in ("\r", "\n") else ["\r"]))
                return True

        monkeypatch.setattr(interactive, "Keyboard", lambda *a, **k: ScriptKeyboard(fd=-1, out=self.out))

    @property
    def text(self) -> str:
        return self.out.getvalue()


@pytest.fixture
def bank():
    b, _ = bank_mod.load([FIXTURE])
    return b


def live(store):
    return [(r["question_id"], r["rating"], r["answer"], r["correct"]) for r in store.reviews()]


def mcq_letters(bank, seed):
    """The right and a wrong letter of the fixture's mcq as the loop will shuffle it with this rng."""
    from quiz import cards

    rng = random.Random(seed)
    for q in [q for q in bank.questions][:1]:
        cards.present(q, "en", rng)  # the flashcard comes first and draws nothing; keep the rng in step
    p = cards.present(bank.by_id["basics.scale-mcq"], "en", rng)
    right = "abc"[p.correct_index]
    return right, "a" if right != "a" else "b"


def test_study_keys(monkeypatch, store, bank):
    right, wrong = mcq_letters(bank, 1)
    s = Script(monkeypatch,
               "x", " ",            # flashcard: an ignored key, then space reveals
               "5", " ",            # 5 is not a rating; space accepts the proposed Good
               wrong.upper(), "\r",  # mcq, wrong, upper case; Enter accepts the proposed Again
               "sixty", "６４", "E", "4",  # numeric: not a number, then right; E explains; 4 = Easy
               "15", "U",           # cloze right; U takes back the numeric's Easy
               "64", "2",           # the numeric again: right, 2 = Hard over the proposed Good
               "15%", "\n",         # the cloze: right, Enter = Good
               "Q")  # fmt: skip
    session = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    assert interactive.study(session, bank, "en", random.Random(1)) == 0
    assert live(store) == [("basics.scale-why", 3, None, None), ("basics.scale-mcq", 1, wrong, 0),
                           ("basics.var-d64", 2, "64", 1), ("basics.mlm-cloze", 3, "15%", 1)]  # fmt: skip
    assert "Not a number" in s.text and "Undid your answer to basics.var-d64" in s.text
    assert "Cards done: 4" in s.text and "Accuracy: 67%" in s.text


def test_study_v_without_verifier_and_nothing_to_undo(monkeypatch, store, bank):
    right, _ = mcq_letters(bank, 1)
    s = Script(monkeypatch, "\r", "u", "q")
    session = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    assert interactive.study(session, bank, "en", random.Random(1)) == 0
    assert "Nothing to undo." in s.text and live(store) == []
    Script(monkeypatch, right.upper(), "v", " ", "q")  # the mcq has no verifier
    session = Session(store, deque([session.queue[1]]), Limits(), clock=lambda: T0)
    interactive.study(session, bank, "en", random.Random(1))
    assert live(store) == [("basics.scale-mcq", 3, right, 1)]  # the key as read: lower case


def test_study_ctrl_d_and_q_at_an_answer_line(monkeypatch, store, bank):
    Script(monkeypatch, " ", "3", "a")  # runs out at the mcq's rating prompt: EOF ends the session cleanly
    session = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    assert interactive.study(session, bank, "en", random.Random(1)) == 0
    assert [r[0] for r in live(store)] == ["basics.scale-why"]
    s = Script(monkeypatch, ":q")
    session = Session(store, deque([i for i in session.queue if i.question.id == "basics.var-d64"]), Limits(),
                      clock=lambda: T0)  # fmt: skip
    assert interactive.study(session, bank, "en", random.Random(1)) == 0
    assert "Cards done: 0" in s.text


def test_a_failed_save_offers_retry_then_quit(monkeypatch, store, bank):
    s = Script(monkeypatch, " ", "3", "x", "r", "q")
    session = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    calls = []

    def failing(rating, **answer):
        calls.append(rating)
        raise AnswerNotSaved("your answer to basics.scale-why (Good) was not saved: disk full", busy=False)

    monkeypatch.setattr(session, "answer", failing)
    assert interactive.study(session, bank, "en", random.Random(1)) == 1
    assert calls == [3, 3]  # the first try, then r retries; q quits with status 1
    assert s.text.count("r to retry, q to quit") == 2 and "disk full" in s.text


def test_a_busy_store_is_retried_automatically(monkeypatch, store, bank):
    s = Script(monkeypatch, " ", "3", "q")
    session = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    real, calls = session.answer, []

    def busy_twice(rating, **answer):
        calls.append(rating)
        if len(calls) <= interactive.AUTO_RETRIES:
            raise AnswerNotSaved("busy", busy=True)
        return real(rating, **answer)

    monkeypatch.setattr(session, "answer", busy_twice)
    assert interactive.study(session, bank, "en", random.Random(1)) == 0
    assert len(calls) == interactive.AUTO_RETRIES + 1 and s.text.count("retrying") == interactive.AUTO_RETRIES
    assert [r[0] for r in live(store)] == ["basics.scale-why"]


def exam_session(store, bank, n=4, seed=5):
    from quiz.session import exam_queue

    rng = random.Random(seed)
    return Session(store, deque(exam_queue(bank, n, rng)), cram=True, clock=lambda: T0), rng


def exam_keys(session, self_grade, numeric, bank, rng_seed=5):
    """The keys that answer the exam queue in its order: mcq right (upper case), cloze right."""
    from quiz import cards

    rng = random.Random(rng_seed)
    from quiz.session import exam_queue

    exam_queue(bank, 4, rng)  # the same draws as exam_session
    keys = []
    for item in session.queue:
        p = cards.present(item.question, "en", rng)
        if p.question.type == "mcq":
            keys.append("abc"[p.correct_index].upper())
        elif p.question.type == "numeric":
            keys.append(numeric)
        elif p.question.type == "cloze":
            keys.append("15%")
        else:
            keys += [" ", "x", self_grade]
    return keys


@pytest.mark.parametrize("self_grade, numeric, correct", [("N", "640", 2), ("y", "64", 4), ("n", "64", 3)])
def test_exam_self_grade_and_score(monkeypatch, store, bank, self_grade, numeric, correct):
    session, rng = exam_session(store, bank)
    s = Script(monkeypatch, *exam_keys(session, self_grade, numeric, bank))
    assert interactive.exam(session, bank, "en", rng) == 0
    assert f"{correct}/4 correct" in s.text
    by_id = {r["question_id"]: (r["rating"], r["correct"], r["cram"]) for r in store.reviews()}
    flash = 1 if self_grade.lower() == "y" else 0
    assert by_id["basics.scale-why"] == (3 if flash else 1, flash, 1)
    assert by_id["basics.var-d64"][1] == (numeric == "64") and store.known_ids() == set()


def test_exam_stops_when_the_time_is_up(monkeypatch, store, bank):
    session, rng = exam_session(store, bank)
    keys = exam_keys(session, "y", "64", bank)
    now = [1000.0]
    monkeypatch.setattr(interactive.time, "monotonic", lambda: now[0])
    s = Script(monkeypatch, *keys)
    s.before_item = lambda: now.__setitem__(0, now[0] + 25)  # each key or line takes 25 s
    assert interactive.exam(session, bank, "en", rng, minutes=1) == 0
    assert "Time is up." in s.text
    asked = len(store.reviews())
    # stopped before the last card; main (1ce94b9) scores the questions left at the deadline as unanswered
    assert 1 <= asked < 4 and f"{asked}/4 correct" in s.text and "Unanswered: " in s.text
    session2, rng2 = exam_session(store, bank)
    s2 = Script(monkeypatch, *exam_keys(session2, "y", "64", bank))
    assert interactive.exam(session2, bank, "en", rng2, minutes=None) == 0
    assert "Time is up." not in s2.text and "4/4 correct" in s2.text


def test_exam_q_quits_with_the_report(monkeypatch, store, bank):
    session, rng = exam_session(store, bank)
    keys = exam_keys(session, "y", "64", bank)
    first_is_line = bank.by_id[session.queue[0].question.id].type in ("numeric", "cloze")
    s = Script(monkeypatch, *(keys[:1] if not first_is_line else keys[:1]), "q" if not first_is_line else "q")
    assert interactive.exam(session, bank, "en", rng) == 0
    assert "mock interview result" in s.text
