import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz import bank as bank_mod
from quiz import scheduler
from quiz.bank import Bank, Question, Text
from quiz.session import Limits, Session, build_queue, interleave

FIXTURE = Path(__file__).parent / "data" / "bank"


def q(qid: str, topic: str, tags=()) -> Question:
    return Question(id=qid, topic=topic, type="flashcard", difficulty=1, prompt=Text(qid, qid),
                    answer=Text("a", "a"), tags=tuple(tags))  # fmt: skip


def review_at(store, qid, rating, when: datetime):
    store.record(qid, rating, now=when.timestamp(), schedule=lambda s: scheduler.review(s, rating, when, fuzz=False))


def test_interleave_round_robins_topics_keeping_order():
    qs = [q("a.1", "a"), q("a.2", "a"), q("a.3", "a"), q("b.1", "b"), q("c.1", "c"), q("c.2", "c")]
    assert [x.id for x in interleave(qs)] == ["a.1", "b.1", "c.1", "a.2", "c.2", "a.3"]


def test_due_first_lowest_retrievability_first_then_new(store):
    bank = Bank(tuple(q(f"t.{i}", "t") for i in range(6)))
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    review_at(store, "t.0", 4, t0)  # Easy: long stability
    review_at(store, "t.1", 4, t0 - timedelta(days=30))  # reviewed long ago: lowest recall now
    review_at(store, "t.2", 4, t0 - timedelta(days=10))
    now = t0 + timedelta(days=60)
    items = build_queue(bank, store, now.timestamp(), limits=Limits(new_per_day=100))
    due = [i.question.id for i in items if not i.is_new]
    assert due == ["t.1", "t.2", "t.0"]
    states = {qid: store.card(qid) for qid in due}
    recall = [scheduler.retrievability(states[qid], now) for qid in due]
    assert recall == sorted(recall)  # the SQL ordering agrees with fsrs' own retrievability
    assert [i.question.id for i in items if i.is_new] == ["t.3", "t.4", "t.5"]


def test_new_cards_per_day_limit_counts_cards_introduced_today(store):
    bank = Bank(tuple(q(f"t.{i}", "t") for i in range(10)))
    now = datetime.now(timezone.utc)
    review_at(store, "t.0", 3, now)
    review_at(store, "t.1", 3, now)
    items = build_queue(bank, store, now.timestamp(), limits=Limits(new_per_day=5))
    assert sum(i.is_new for i in items) == 3


def test_review_limit(store):
    bank = Bank(tuple(q(f"t.{i}", "t") for i in range(5)))
    old = datetime.now(timezone.utc) - timedelta(days=400)
    for i in range(5):
        review_at(store, f"t.{i}", 1, old)
    items = build_queue(bank, store, datetime.now(timezone.utc).timestamp(), limits=Limits(reviews_per_day=2))
    assert len(items) == 2


def test_filters_by_topic_and_tag(store):
    bank = Bank((q("a.1", "a", ["x"]), q("a.2", "a"), q("b.1", "b", ["x"])))
    now = datetime.now(timezone.utc).timestamp()
    assert [i.question.id for i in build_queue(bank, store, now, topics=("a",))] == ["a.1", "a.2"]
    assert [i.question.id for i in build_queue(bank, store, now, tags=("x",))] == ["a.1", "b.1"]


def test_cram_changes_no_schedule(store):
    bank = Bank((q("a.1", "a"), q("a.2", "a")))
    session = Session.start(bank, store, cram=True, rng=random.Random(0))
    assert len(session.queue) == 2
    session.answer(1)
    session.answer(4)
    assert store.known_ids() == set()
    assert len(store.reviews()) == 2


def test_answer_then_undo_then_answer_again(store):
    bank = Bank((q("a.1", "a"), q("b.1", "b")))
    session = Session.start(bank, store, limits=Limits())
    first = session.current().question.id
    session.answer(4)
    assert session.done == 1 and store.card(first) is not None
    undone = session.undo()
    assert undone.question.id == first and session.current().question.id == first
    assert store.card(first) is None and session.done == 0
    session.answer(3)
    assert len(store.reviews()) == 1


def test_again_comes_back_in_the_same_session(store):
    bank = Bank((q("a.1", "a"),))
    session = Session.start(bank, store)
    session.answer(1)
    assert session.current() is not None and session.current().question.id == "a.1"


def test_edited_question_is_flagged_not_reset(store, tmp_path):
    bank, _ = bank_mod.load([FIXTURE])
    qid = "basics.scale-why"
    now = datetime.now(timezone.utc) - timedelta(days=400)
    store.record(qid, 3, now=now.timestamp(), schedule=lambda s: scheduler.review(s, 3, now),
                 content_hash="an-older-hash")  # fmt: skip
    items = build_queue(bank, store, datetime.now(timezone.utc).timestamp())
    item = next(i for i in items if i.question.id == qid)
    assert item.changed and not item.is_new


def test_summary_lists_missed_cards_once(store):
    bank = Bank((q("a.1", "a"), q("b.1", "b"), q("c.1", "c")))
    session = Session.start(bank, store, cram=True, rng=random.Random(0))
    first = session.current().question.id
    session.answer(1, given="x", correct=False)
    second = session.current().question.id
    session.answer(3, given="y", correct=True)
    session.answer(1)  # self-rated Again: not an auto-graded miss
    s = session.summary()
    assert s.missed == [first] and second not in s.missed
    assert (s.done, s.graded, s.correct, s.accuracy) == (3, 2, 1, 0.5)


def test_session_schedules_with_fitted_parameters(store):
    import json

    from fsrs.scheduler import DEFAULT_PARAMETERS

    fitted = list(DEFAULT_PARAMETERS)
    fitted[3] = 20.0  # w3: initial stability of a card first answered Easy (default ~8.3 days)
    store.set_setting("fsrs_parameters", json.dumps(fitted))
    session = Session.start(Bank((q("a.1", "a"),)), store)
    assert session.limits.parameters == tuple(fitted)
    session.answer(4)
    assert store.card("a.1")["stability"] == pytest.approx(20.0)
