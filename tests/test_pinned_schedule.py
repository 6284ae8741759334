"""Pinned scheduling: each rating against fsrs itself, the store's rollback, cram, undo and daily limits."""

import random
import sqlite3
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from quiz import scheduler
from quiz.bank import Bank, Question, Text
from quiz.session import Limits, Session, build_queue, start_of_day
from quiz.store import AnswerNotSaved

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def q(qid: str, content: str = "a") -> Question:
    return Question(qid, qid.split(".")[0], "flashcard", 1, Text(qid, qid), Text(content, content))


def fsrs_direct(card: fsrs.Card, rating: int, now: datetime) -> fsrs.Card:
    return fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False).review_card(card, fsrs.Rating(rating), now)[0]


def as_state(card: fsrs.Card) -> dict:
    last = card.last_review.timestamp() if card.last_review else None
    return {"state": int(card.state), "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
            "due": card.due.timestamp(), "last_review": last}  # fmt: skip


@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_each_rating_on_a_new_card_matches_fsrs(rating):
    got = scheduler.review(None, rating, T0, fuzz=False)
    assert got == as_state(fsrs_direct(fsrs.Card(card_id=0, due=T0), rating, T0))


@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_each_rating_on_a_review_card_matches_fsrs(rating):
    mature = fsrs.Card(card_id=0, state=fsrs.State.Review, step=None, stability=12.5, difficulty=6.0,
                       due=T0 - timedelta(days=1), last_review=T0 - timedelta(days=13))  # fmt: skip
    now = T0
    got = scheduler.review(as_state(mature), rating, now, fuzz=False)
    assert got == as_state(fsrs_direct(mature, rating, now))


def test_four_ratings_give_four_different_states():
    for state in (None, scheduler.review(scheduler.review(None, 4, T0 - timedelta(days=20), fuzz=False), 3,
                                         T0 - timedelta(days=5), fuzz=False)):  # fmt: skip
        after = [scheduler.review(state, r, T0, fuzz=False) for r in (1, 2, 3, 4)]
        assert len({tuple(sorted(a.items())) for a in after}) == 4
        dues = [a["due"] for a in after]
        assert dues == sorted(dues) and len(set(dues)) == 4  # Again < Hard < Good < Easy
        if state is not None:
            stabilities = [a["stability"] for a in after]
            assert stabilities[0] < stabilities[1] < stabilities[2] < stabilities[3]


def test_preview_is_the_unfuzzed_interval_of_each_rating():
    state = scheduler.review(None, 3, T0 - timedelta(days=3), fuzz=False)
    preview = scheduler.preview(state, T0)
    for r in (1, 2, 3, 4):
        direct = fsrs_direct(scheduler._to_card(state), r, T0)
        assert preview[r] == direct.due - T0
    new = {r: fsrs_direct(fsrs.Card(card_id=0, due=T0), r, T0).due - T0 for r in (1, 2, 3, 4)}
    assert scheduler.preview(None, T0) == new
    assert [new[r] for r in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=5.5), timedelta(minutes=10)]
    assert new[4] > timedelta(days=1)


def test_retention_and_parameters_reach_fsrs():
    state = scheduler.review(None, 4, T0 - timedelta(days=30), fuzz=False)
    low = scheduler.review(state, 3, T0, retention=0.8, fuzz=False)
    direct = fsrs.Scheduler(desired_retention=0.8, enable_fuzzing=False).review_card(
        scheduler._to_card(state), fsrs.Rating.Good, T0)[0]  # fmt: skip
    assert low == as_state(direct)
    assert low["due"] > scheduler.review(state, 3, T0, fuzz=False)["due"]
    r = scheduler.retrievability(state, T0)
    assert r == fsrs.Scheduler(enable_fuzzing=False).get_card_retrievability(scheduler._to_card(state), T0)
    assert 0 < r < 1


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "0s"), (-5, "0s"), (59, "59s"), (60, "1m"), (3599, "60m"), (3600, "1h"), (86399, "24h"), (86400, "1d"),
     (29 * 86400, "29d"), (30 * 86400, "1.0mo"), (364 * 86400, "12.1mo"), (365 * 86400, "1.0y"), (730 * 86400, "2.0y")],
)  # fmt: skip
def test_format_interval_exact(seconds, text):
    assert scheduler.format_interval(timedelta(seconds=seconds)) == text


# --- the store: a failed write rolls back and the next answer still works ---------------------------------


def test_failed_write_rolls_back_and_the_next_answer_is_saved(store):
    store.record("a.x", 3, now=T0.timestamp(), schedule=lambda s: scheduler.review(s, 3, T0, fuzz=False))
    card = store.card("a.x")

    def broken(state):
        raise RuntimeError("scheduler blew up")

    with pytest.raises(RuntimeError):
        store.record("a.x", 1, now=T0.timestamp() + 60, schedule=broken)
    assert not store.conn.in_transaction
    with pytest.raises(AnswerNotSaved, match=r"your answer to a\.x \(5\) was not saved: .*CHECK constraint"):
        store.record("a.x", 5, now=T0.timestamp() + 60, schedule=None)  # CHECK (rating BETWEEN 1 AND 4) fails
    assert not store.conn.in_transaction
    with pytest.raises(AnswerNotSaved):
        store.record("a.x", 2, now=T0.timestamp() + 60, schedule=lambda s: {"state": 2})  # missing columns
    assert store.card("a.x") == card and len(store.reviews()) == 1  # nothing of the failures is left
    later = T0 + timedelta(minutes=10)
    store.record("a.x", 3, now=later.timestamp(), schedule=lambda s: scheduler.review(s, 3, later, fuzz=False))
    assert [r["rating"] for r in store.reviews()] == [3, 3]
    assert store.card("a.x")["last_review"] == later.timestamp()
    # and another connection sees it committed
    other = sqlite3.connect(store.path)
    assert other.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2


def test_a_session_goes_on_after_a_failed_answer(store, monkeypatch):
    bank = Bank((q("a.1"), q("b.1")))
    session = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    first = session.current().question.id
    real = scheduler.review
    monkeypatch.setattr(scheduler, "review", lambda *a, **k: (_ for _ in ()).throw(sqlite3.OperationalError("disk I/O")))
    with pytest.raises(AnswerNotSaved):
        session.answer(3)
    assert session.current().question.id == first and session.done == 0 and store.reviews() == []
    monkeypatch.setattr(scheduler, "review", real)
    session.answer(4)
    session.answer(4)
    assert [r["question_id"] for r in store.reviews()] == [first, "b.1" if first == "a.1" else "a.1"]
    assert session.done == 2 and session.current() is None


# --- cram --------------------------------------------------------------------------------------------------


def test_cram_touches_no_schedule_and_no_daily_budget(store):
    bank = Bank(tuple(q(f"t.{i}") for i in range(6)))
    old = T0 - timedelta(days=400)
    for i in range(3):  # three cards long overdue
        store.record(f"t.{i}", 3, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    limits = Limits(new_per_day=2, reviews_per_day=2)
    before_cards = store.card_states()
    before_queue = [(i.question.id, i.is_new) for i in build_queue(bank, store, T0.timestamp(), limits=limits)]
    assert before_queue == [("t.0", False), ("t.1", False), ("t.3", True), ("t.4", True)]

    cram = Session.start(bank, store, cram=True, limits=limits, rng=random.Random(1), clock=lambda: T0)
    assert len(cram.queue) == 6
    for rating in (1, 2, 3, 4, 1, 1):
        cram.answer(rating)
    assert cram.current() is None  # Again in cram never re-queues
    assert store.card_states() == before_cards
    assert store.reviews_since(start_of_day(T0.timestamp())) == 0
    assert store.introduced_since(start_of_day(T0.timestamp())) == 0
    assert [(i.question.id, i.is_new) for i in build_queue(bank, store, T0.timestamp(), limits=limits)] == before_queue


def test_cram_preview_shows_no_intervals(store):
    bank = Bank((q("a.1"),))
    s = Session.start(bank, store, cram=True, rng=random.Random(0), clock=lambda: T0)
    assert s.preview(s.current()) == {1: "-", 2: "-", 3: "-", 4: "-"}


def test_cram_again_is_not_a_lapse_or_a_failed_recall(store):
    from quiz.stats import compute

    bank = Bank((q("a.1"),))
    old = T0 - timedelta(days=3)
    store.record("a.1", 4, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    s = Session.start(bank, store, cram=True, rng=random.Random(0), clock=lambda: T0)
    s.answer(1)
    stats = compute(bank, store, now=T0.timestamp())
    assert stats.topics[0].lapses == 0 and stats.leeches == []
    assert (stats.retention, stats.retention_reviews) == (None, 0)
    assert stats.total_reviews == 1  # main: cram answers are practice, not counted as reviews
    assert [r["cram"] for r in store.reviews()] == [0, 1]  # but the cram answer is logged


# --- undo --------------------------------------------------------------------------------------------------


def test_undo_restores_state_and_content_hash(store):
    t1, t2 = T0, T0 + timedelta(days=3)
    store.record("a.x", 3, now=t1.timestamp(), schedule=lambda s: scheduler.review(s, 3, t1, fuzz=False),
                 content_hash="old")  # fmt: skip
    row = dict(store.conn.execute("SELECT * FROM cards WHERE question_id = 'a.x'").fetchone())
    rid = store.record("a.x", 1, now=t2.timestamp(), schedule=lambda s: scheduler.review(s, 1, t2, fuzz=False),
                       content_hash="new")  # fmt: skip
    assert store.card("a.x")["content_hash"] == "new"
    assert store.undo(rid) == "a.x"
    assert dict(store.conn.execute("SELECT * FROM cards WHERE question_id = 'a.x'").fetchone()) == row
    assert store.card("a.x")["content_hash"] == "old"


def test_undo_of_an_edited_card_flags_it_again(store):
    bank = Bank((q("a.1", content="edited answer"),))
    old = T0 - timedelta(days=400)
    store.record("a.1", 3, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 3, old, fuzz=False),
                 content_hash="before the edit")  # fmt: skip
    s = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    assert s.current().changed
    s.answer(4)
    assert not build_queue(bank, store, (T0 + timedelta(days=400)).timestamp())[0].changed
    s.undo()
    assert build_queue(bank, store, T0.timestamp())[0].changed  # the edit is still unacknowledged


def queue_ids(session) -> list[str]:
    return [i.question.id for i in session.queue]


@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_undo_never_shows_a_card_twice(store, rating):
    bank = Bank((q("a.1"), q("b.1"), q("c.1")))
    s = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    assert queue_ids(s) == ["a.1", "b.1", "c.1"]
    s.answer(rating)
    # main: a learning card comes back from the store (Session._learning), never as a second queue entry
    assert queue_ids(s) == ["b.1", "c.1"]
    assert s.undo().question.id == "a.1"
    assert s.current().question.id == "a.1" and queue_ids(s) == ["b.1", "c.1"]  # main: undo shows it next
    assert (s.done, s.graded, s.correct) == (0, 0, 0) and store.card("a.1") is None and store.reviews() == []
    assert s.undo() is None
    seen = []
    while (item := s.current()) is not None:
        seen.append(item.question.id)
        s.answer(4)
    assert seen == ["a.1", "b.1", "c.1"]


def test_undo_of_a_relearning_copy_keeps_one_copy(store):
    bank = Bank((q("a.1"), q("b.1")))
    s = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    s.answer(1, given="x", correct=False)  # a.1 Again: back this session
    s.answer(4, given="y", correct=True)  # b.1 Easy: gone for days
    # main: the relearning card is shown again from the store (learn-ahead), not from a queue copy
    assert queue_ids(s) == [] and s.current().question.id == "a.1"
    s.answer(1, given="x", correct=False)  # Again again
    s.undo()
    assert s.current().question.id == "a.1" and (s.done, s.graded, s.correct) == (2, 2, 1)
    s.undo()
    assert s.current().question.id == "b.1" and (s.done, s.graded, s.correct) == (1, 1, 0)
    s.undo()
    assert s.current().question.id == "a.1" and (s.done, s.graded, s.correct) == (0, 0, 0)
    seen = []
    while (item := s.current()) is not None:
        seen.append(item.question.id)
        s.answer(4)
    assert seen == ["a.1", "b.1"]
    for _ in seen:
        s.undo()
    assert store.known_ids() == set() and store.reviews() == []


# --- the daily review limit across sessions -----------------------------------------------------------------


def test_review_limit_holds_across_sessions_in_one_day(store):
    bank = Bank(tuple(q(f"t.{i}") for i in range(6)))
    old = T0 - timedelta(days=400)
    for i in range(6):
        store.record(f"t.{i}", 3, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    limits = Limits(new_per_day=0, reviews_per_day=4)
    clock = [T0]

    def session():
        return Session.start(bank, store, limits=limits, clock=lambda: clock[0])

    first = session()
    assert len(first.queue) == 4
    first.answer(3)
    first.answer(3)  # quits after two
    cram = Session.start(bank, store, cram=True, rng=random.Random(0), clock=lambda: clock[0])
    cram.answer(1)  # cram does not spend the budget
    clock[0] = T0 + timedelta(hours=1)
    second = session()
    assert len(second.queue) == 2
    second.answer(3)
    second.undo()  # an undone answer gives its slot back
    second.answer(3)
    second.answer(3)
    clock[0] = T0 + timedelta(hours=2)
    assert len(session().queue) == 0
    tomorrow = datetime.fromtimestamp(start_of_day(T0.timestamp()) + 86400 + 3600, timezone.utc)
    clock[0] = tomorrow
    assert len(session().queue) == 2  # a new day: the two cards never reached yesterday


def test_new_card_limit_holds_across_sessions_in_one_day(store):
    bank = Bank(tuple(q(f"t.{i}") for i in range(5)))
    limits = Limits(new_per_day=3)
    s1 = Session.start(bank, store, limits=limits, clock=lambda: T0)
    assert [i.is_new for i in s1.queue] == [True] * 3
    s1.answer(4)
    s1.answer(4)
    s2 = Session.start(bank, store, limits=limits, clock=lambda: T0 + timedelta(minutes=5))
    assert queue_ids(s2) == ["t.2"]


# --- scheduler details found by mutation testing ----------------------------------------------------------------

FITTED = (0.5, 1.5, 4.0, 20.0, 7.0, 0.6, 2.0, 0.01, 1.4, 0.15, 0.9, 1.9, 0.11, 0.3, 2.3, 0.2, 3.0, 0.5, 0.65, 0.1,
          0.2)  # fmt: skip


@pytest.mark.parametrize("state_kind, step", [(fsrs.State.Learning, 1), (fsrs.State.Relearning, 0)])
@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_learning_steps_match_fsrs(state_kind, step, rating):
    card = fsrs.Card(card_id=0, state=state_kind, step=step, stability=2.0, difficulty=5.0, due=T0,
                     last_review=T0 - timedelta(minutes=10))  # fmt: skip
    assert scheduler.review(as_state(card), rating, T0, fuzz=False) == as_state(fsrs_direct(card, rating, T0))


def test_fitted_parameters_reach_every_function():
    state = scheduler.review(None, 4, T0 - timedelta(days=30), fuzz=False, parameters=FITTED)
    direct = fsrs.Scheduler(parameters=FITTED, enable_fuzzing=False)
    assert state["stability"] == pytest.approx(20.0)  # w3: Easy's initial stability
    got = scheduler.review(state, 3, T0, fuzz=False, parameters=FITTED)
    assert got == as_state(direct.review_card(scheduler._to_card(state), fsrs.Rating.Good, T0)[0])
    assert got != scheduler.review(state, 3, T0, fuzz=False)
    preview = scheduler.preview(state, T0, parameters=FITTED)
    assert preview[3] == datetime.fromtimestamp(got["due"], timezone.utc) - T0
    assert preview != scheduler.preview(state, T0)
    r = scheduler.retrievability(state, T0, parameters=FITTED)
    assert r == direct.get_card_retrievability(scheduler._to_card(state), T0)
    assert r != scheduler.retrievability(state, T0)


def test_answers_are_fuzzed_by_default_and_previews_never():
    import random as stdlib_random

    state = scheduler.review(None, 4, T0 - timedelta(days=30), fuzz=False)
    plain = scheduler.review(state, 3, T0, fuzz=False)["due"]
    fuzzed = set()
    for seed in range(12):
        stdlib_random.seed(seed)  # fsrs draws its fuzz from the random module
        fuzzed.add(scheduler.review(state, 3, T0)["due"])
    assert len(fuzzed) > 1 and all(abs(d - plain) < 0.2 * (plain - T0.timestamp()) for d in fuzzed)
    previews = set()
    for seed in range(6):
        stdlib_random.seed(seed)
        previews.add(scheduler.preview(state, T0)[3])
    assert previews == {datetime.fromtimestamp(plain, timezone.utc) - T0}


@pytest.mark.parametrize("seconds, text", [(5401, "2h"), (5399, "1h"), (int(419.8 * 86400), "1.2y"),
                                           (int(44.8 * 86400), "1.5mo"), (int(29.6 * 86400), "30d"),
                                           (89, "1m"), (91, "2m")])  # fmt: skip
def test_format_interval_rounding(seconds, text):
    assert scheduler.format_interval(timedelta(seconds=seconds)) == text


def test_preview_uses_the_desired_retention():
    state = scheduler.review(None, 4, T0 - timedelta(days=30), fuzz=False)
    low = fsrs.Scheduler(desired_retention=0.8, enable_fuzzing=False)
    want = {r: low.review_card(scheduler._to_card(state), fsrs.Rating(r), T0)[0].due - T0 for r in (1, 2, 3, 4)}
    assert scheduler.preview(state, T0, 0.8) == want
    assert want[3] > scheduler.preview(state, T0)[3]  # a lower target retention waits longer


def test_a_row_without_last_review_is_scheduled_like_fsrs_does():
    # only review() writes cards, and it always sets last_review; a row without one (an edited file) still works
    row = {"state": 2, "step": None, "stability": 5.0, "difficulty": 6.0, "due": T0.timestamp(), "last_review": None}
    card = fsrs.Card(card_id=0, state=fsrs.State.Review, stability=5.0, difficulty=6.0, due=T0)
    for rating in (1, 3):
        assert scheduler.review(row, rating, T0, fuzz=False) == as_state(fsrs_direct(card, rating, T0))
    assert scheduler.retrievability(row, T0) == 0
