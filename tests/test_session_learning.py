"""Learning cards come back when they fall due (Anki's rules), with a clock the test controls."""

import random
from datetime import datetime, timedelta, timezone

import pytest

from quiz import scheduler
from quiz.bank import Bank, Question, Text
from quiz.session import LEARN_AHEAD, Limits, Session
from quiz.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, at: datetime = T0):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def tick(self, **kw) -> None:
        self.at += timedelta(**kw)


def q(qid: str, topic: str = "t", type_: str = "flashcard") -> Question:
    return Question(id=qid, topic=topic, type=type_, difficulty=1, prompt=Text(f"prompt {qid}", f"题 {qid}"),
                    answer=Text("a", "a"))  # fmt: skip


def start(bank, store, clock, **kw) -> Session:
    return Session.start(bank, store, clock=clock, limits=Limits(new_per_day=50), **kw)


def test_an_again_before_ctrl_c_is_first_in_a_session_started_after_it_fell_due(store):
    bank = Bank(tuple(q(f"t.{i}") for i in range(4)))
    clock = Clock()
    first = start(bank, store, clock)
    assert first.current().question.id == "t.0"
    first.answer(1)  # Again: due in 1 minute; then the learner presses Ctrl-C
    clock.tick(seconds=61)
    second = start(bank, store, clock)
    assert second.current().question.id == "t.0"  # due learning cards come before reviews and new cards
    assert second.counts() == (0, 1, 3)


def test_a_running_session_shows_its_learning_card_when_due_not_before(store):
    bank = Bank(tuple(q(f"t.{i}") for i in range(4)))
    clock = Clock()
    s = start(bank, store, clock)
    s.answer(1)  # t.0 Again at 09:00:00: due 09:01
    clock.tick(seconds=20)
    assert s.current().question.id == "t.1"  # not due yet, and other cards are waiting
    s.answer(3)
    clock.tick(seconds=50)  # 09:01:10: t.0 has fallen due and jumps the queue
    assert s.current().question.id == "t.0"
    s.answer(3)  # Good: step 2, due in 10 minutes
    assert [s.current().question.id] == ["t.2"]
    s.answer(3)
    clock.tick(seconds=5)
    assert s.current().question.id == "t.3"
    s.answer(3)
    # nothing else is left: the earliest learning card within the learn-ahead limit is shown early
    assert s.current().question.id == "t.1"
    due = store.card("t.1")["due"]
    assert 0 < due - clock().timestamp() <= LEARN_AHEAD


def test_learn_ahead_stops_at_the_stated_limit(store):
    bank = Bank((q("t.0"),))
    clock = Clock()
    s = start(bank, store, clock)
    s.answer(3)  # Good on a new card: the second learning step, 10 minutes
    assert store.card("t.0")["due"] - clock().timestamp() == pytest.approx(600, abs=1)
    s.learn_ahead = 5 * 60
    assert s.current() is None
    assert s.summary().learning_later == 1  # the summary can say a card comes back later today
    s.learn_ahead = LEARN_AHEAD
    assert s.current().question.id == "t.0"


def test_a_card_answered_in_another_session_is_skipped_and_its_learning_step_returns_here(store, quiz_home):
    bank = Bank(tuple(q(f"t.{i}") for i in range(3)))
    clock = Clock()
    here = start(bank, store, clock)
    other = start(bank, Store.open(quiz_home), clock)
    assert here.current().question.id == "t.0"
    assert other.current().question.id == "t.0"
    other.answer(1)  # the other terminal answers t.0 first: Again
    here.answer(3)  # this one answers what it showed; the store builds on the other's answer
    assert here.current().question.id == "t.1"
    other.answer(3)  # t.1 answered elsewhere while shown here: here, the next card skips it
    here._shown = None  # (as if the learner had quit the card)
    assert here.current().question.id == "t.2"
    here.answer(3)
    clock.tick(minutes=2)
    ids = {here.current().question.id}
    assert ids <= {"t.0", "t.1"}  # a learning card, whoever answered it


def test_undo_shows_the_card_again_even_when_it_is_not_due(store):
    bank = Bank((q("t.0"), q("t.1")))
    clock = Clock()
    s = start(bank, store, clock)
    s.answer(1)
    s.answer(1)
    s.undo()
    assert s.current().question.id == "t.1"
    s.answer(4)
    assert s.current().question.id == "t.0"  # learn-ahead: nothing else left


def test_the_rating_bar_shows_the_interval_the_card_gets_fuzz_included(store):
    bank = Bank((q("t.0"),))
    clock = Clock()
    random.seed(3)
    shown, got = [], []
    for day in range(8):
        s = start(bank, store, clock)
        item = s.current()
        if item is None:
            clock.at = datetime.fromtimestamp(store.card("t.0")["due"], timezone.utc)
            continue
        bar = s.preview(item)
        clock.tick(seconds=7)  # the learner reads the bar for a while
        s.answer(3)
        shown.append(bar[3])
        got.append(scheduler.format_interval(timedelta(seconds=store.card("t.0")["due"] - clock().timestamp())))
        clock.at = datetime.fromtimestamp(store.card("t.0")["due"], timezone.utc) + timedelta(hours=day)
    assert len(shown) >= 5 and any(x.endswith("d") for x in shown)
    assert shown == got


def test_overriding_a_wrong_answer_with_a_pass_is_not_a_miss(store):
    bank = Bank((q("a.1", "a"), q("b.1", "b"), q("c.1", "c")))
    s = Session.start(bank, store, cram=True, rng=random.Random(0))
    ids = []
    for rating in (2, 1, 3):
        ids.append(s.current().question.id)
        s.answer(rating, given="x", correct=False)
    summary = s.summary()
    assert summary.missed == [ids[1]]
    assert summary.questions[ids[1]].prompt.en == f"prompt {ids[1]}"


def test_study_type_filter_reaches_learning_cards(store):
    bank = Bank((q("t.0", type_="numeric"), q("t.1"), q("t.2", type_="numeric")))
    clock = Clock()
    s = start(bank, store, clock, types=("numeric",))
    assert s.current().question.id == "t.0"
    s.answer(1)
    assert s.current().question.id == "t.2"
    s.answer(3)
    clock.tick(minutes=1)
    assert s.current().question.id == "t.0"
    s.answer(4)
    assert s.current().question.id == "t.2"  # learn-ahead, never the flashcard


def test_the_first_day_shows_every_card_type_from_the_real_banks(store):
    from quiz.bank import default_dirs, load

    bank, _ = load(default_dirs([]), strict=False)
    s = start(bank, store, Clock())
    first = [i.question for i in list(s.queue)[:20]]
    types = [q.type for q in first]
    assert set(types) == {"flashcard", "mcq", "numeric", "cloze", "errata"}
    assert types.count("numeric") >= 1 and types.count("errata") >= 1
    assert len({q.topic for q in first}) >= 10  # and not the alphabetically first topics only
