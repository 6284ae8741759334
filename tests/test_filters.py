"""Consistent filters (issue #12 item 11): one error for an unknown --topic/--tag in every command; a session
that runs dry because of a daily limit says so and how to raise it; "Next due" looks at the filtered cards."""

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from quiz import interactive, scheduler, ui
from quiz.bank import Bank, Question, Text
from quiz.cli import cli
from quiz.filters import limit_note, next_due, unknown_filter
from quiz.session import Limits, Session
from quiz.store import Store

FIXTURE = Path(__file__).parent / "data" / "bank"
NOW = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)


def q(qid: str, tags: tuple[str, ...] = ()) -> Question:
    return Question(qid, qid.split(".")[0], "flashcard", 1, Text(qid, qid), Text("a", "a"), tags=tags)


BANK = Bank(tuple(q(f"alpha.q{i}", ("scaling",)) for i in range(5)) + (q("beta.only", ("norms",)),))


@pytest.mark.parametrize("command", [["study"], ["exam"], ["list"], ["export", "-o", "unused.apkg"]])
@pytest.mark.parametrize("option, shown", [
    (["--topic", "basic"], "Error: unknown topic 'basic' (--topic); did you mean 'basics'?\n"),
    (["--topic", "Basics"], "Error: unknown topic 'Basics' (--topic); did you mean 'basics'?\n"),
    (["--topic", "zzz"], "Error: unknown topic 'zzz' (--topic); see `quiz topics` for the topics\n"),
    (["--tag", "scalling"], "Error: unknown tag 'scalling' (--tag); did you mean 'scaling'?\n"),
    (["--topic", "basics", "--tag", "nope"],
     "Error: unknown tag 'nope' (--tag); no question has it (`quiz list --json` shows each question's tags)\n"),
])  # fmt: skip
def test_an_unknown_filter_is_the_same_line_in_every_command(monkeypatch, tmp_path, command, option, shown):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    monkeypatch.setattr("quiz.cli.require_terminal", lambda name: None)  # so study/exam get as far as the filters
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, command + option)
    assert (result.exit_code, result.output) == (2, shown)
    assert not (tmp_path / "unused.apkg").exists()


def test_known_filters_pass():
    assert unknown_filter(BANK, ("alpha", "beta"), ("scaling", "norms")) is None


def review(store: Store, qid: str, rating: int, when: datetime) -> None:
    store.record(qid, rating, now=when.timestamp(), schedule=lambda s: scheduler.review(s, rating, when, fuzz=False))


@pytest.fixture
def store(quiz_home):
    s = Store.open(quiz_home)
    review(s, "alpha.q0", 3, NOW - timedelta(minutes=1))  # Good on a new card: the 10-minute learning step
    review(s, "alpha.q1", 3, NOW - timedelta(minutes=1))
    review(s, "beta.only", 1, NOW - timedelta(seconds=30))  # Again: due in 1 minute, the store's next card
    return s


def test_next_due_respects_the_topic_filter(store):
    everything = store.next_due(NOW.timestamp())
    alpha = next_due(store, BANK, NOW.timestamp(), topics=("alpha",))
    assert everything == pytest.approx((NOW + timedelta(seconds=30)).timestamp())
    assert alpha == pytest.approx((NOW + timedelta(minutes=9)).timestamp())
    assert next_due(store, BANK, NOW.timestamp(), tags=("norms",)) == everything
    assert next_due(store, BANK, NOW.timestamp()) == everything
    session = Session.start(BANK, store, topics=("alpha",), limits=Limits(new_per_day=2), clock=lambda: NOW)
    assert session.summary().next_due == alpha  # the summary's "Next due" is the filtered one


def test_a_session_ended_by_the_new_card_limit_says_so(store):
    limits = Limits(new_per_day=3)  # 3 new cards introduced today: alpha.q0, alpha.q1, beta.only
    session = Session.start(BANK, store, topics=("alpha",), limits=limits, clock=lambda: NOW)
    session.learn_ahead = 0  # alpha's two learning cards (due in 9 minutes) are not shown early here
    assert session.current() is None  # nothing due, and no new card allowed
    assert session.limit_note("en") == (
        "The daily limit of new cards (3) is reached (3 introduced today); 3 new cards are still waiting. "
        "For more today: quiz study --new 13; for every day: quiz config new_per_day 13.")
    assert "今天的新卡上限 3 张已用完" in session.limit_note("zh")
    # beta has no unseen card left: the limit is not why its session is empty
    assert Session.start(BANK, store, topics=("beta",), limits=limits, clock=lambda: NOW).limit_note("en") is None
    # under the limit, the queue had every new card: no note
    assert limit_note(store, BANK, NOW.timestamp(), Limits(new_per_day=4), "en", ("alpha",)) is None
    cram = Session.start(BANK, store, topics=("alpha",), limits=limits, clock=lambda: NOW, cram=True)
    assert cram.limit_note("en") is None


def test_a_session_ended_by_the_review_limit_says_so(store):
    later = NOW + timedelta(minutes=20)  # all three cards are due again
    note = limit_note(store, BANK, later.timestamp(), Limits(new_per_day=20, reviews_per_day=3), "en", ("alpha",))
    assert note == ("The daily limit of reviews (3) is reached (3 today); 2 due cards are still waiting. For more today: "
                    "quiz study --max-reviews 53; for every day: quiz config reviews_per_day 53.")  # fmt: skip


def test_no_more_cards_prints_the_reason(store, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(ui, "console", Console(file=out, width=100, color_system=None))
    session = Session.start(BANK, store, topics=("alpha",), limits=Limits(new_per_day=3), clock=lambda: NOW)
    session.learn_ahead = 0  # no learning card shown early: the session is over at once
    assert interactive.study(session, BANK, "en") == 0
    text = " ".join(out.getvalue().split())
    assert "No more cards for now." in text
    assert "The daily limit of new cards (3) is reached (3 introduced today); 3 new cards are still waiting." in text
    assert "quiz config new_per_day 13" in text
