"""Pinned session details found by mutation testing: settings, exam queue and report, previews, what is stored."""

import json
import random
import time
from datetime import datetime, timedelta, timezone

import pytest

from quiz import scheduler
from quiz.bank import Bank, Question, Text
from quiz.errors import StoreError
from quiz.session import N_FSRS_PARAMETERS, Item, Limits, Session, build_queue, exam_queue, exam_report, start_of_day
from quiz.store import Store

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def q(qid: str, tags=()) -> Question:
    return Question(qid, qid.split(".")[0], "flashcard", 1, Text(qid, qid), Text("a", "a"), tags=tuple(tags))


@pytest.fixture
def store(quiz_home):
    s = Store.open(quiz_home)
    yield s
    s.close()


def test_limits_read_every_setting(store):
    assert Limits.from_store(store) == Limits(20, 200, 0.9, None)
    store.set_setting("new_per_day", "7")
    store.set_setting("reviews_per_day", "0")
    store.set_setting("retention", "0.85")
    assert Limits.from_store(store) == Limits(7, 0, 0.85, None)


@pytest.mark.parametrize("key, raw", [("new_per_day", "-1"), ("new_per_day", "many"), ("reviews_per_day", "2.5"),
                                      ("retention", "0.5"), ("retention", "1"), ("retention", "nan?")])  # fmt: skip
def test_bad_settings_name_the_fix(store, key, raw):
    store.set_setting(key, raw)
    with pytest.raises(StoreError) as err:
        Limits.from_store(store)
    msg = str(err.value)
    assert msg.startswith(f"setting {key} = {raw!r} in {store.path} is not valid (")
    assert msg.endswith(f"set it with `quiz config {key} VALUE`")


def test_fitted_parameters(store):
    good = [0.1 * i + 0.2 for i in range(N_FSRS_PARAMETERS)]
    store.set_setting("fsrs_parameters", json.dumps(good))
    assert Limits.from_store(store).parameters == tuple(good)
    for bad in ([1.0] * (N_FSRS_PARAMETERS - 1), [1.0] * (N_FSRS_PARAMETERS - 1) + ["x"], {"a": 1}, "[1, 2",
                [1.0] * (N_FSRS_PARAMETERS - 1) + [True]):  # fmt: skip
        store.set_setting("fsrs_parameters", bad if isinstance(bad, str) else json.dumps(bad))
        with pytest.raises(StoreError, match=r"unusable \(expected a list of 21 numbers\); `quiz optimize --reset`"):
            Limits.from_store(store)
    store.set_setting("fsrs_parameters", json.dumps([1.0] * (N_FSRS_PARAMETERS - 1) + [float("inf")]).replace(
        "Infinity", "1e999"))  # fmt: skip
    with pytest.raises(StoreError):
        Limits.from_store(store)


def test_start_of_day_is_local_midnight():
    now = time.mktime((2026, 3, 10, 15, 45, 30, 0, 0, -1))
    assert start_of_day(now) == time.mktime((2026, 3, 10, 0, 0, 0, 0, 0, -1))
    assert start_of_day(start_of_day(now)) == start_of_day(now)
    assert start_of_day(now) - start_of_day(now - 86400) == pytest.approx(86400, abs=3600)


def test_cram_queue_filters_and_shuffles(store):
    bank = Bank(tuple(q(f"a.{i}", ["x"] if i % 2 else []) for i in range(6)) + (q("b.0", ["x"]),))
    items = build_queue(bank, store, T0.timestamp(), cram=True, rng=random.Random(3))
    expected = list(bank.questions)
    random.Random(3).shuffle(expected)
    assert [i.question.id for i in items] == [x.id for x in expected] and not any(i.is_new for i in items)
    tagged = build_queue(bank, store, T0.timestamp(), cram=True, tags=("x",), rng=random.Random(0))
    assert sorted(i.question.id for i in tagged) == ["a.1", "a.3", "a.5", "b.0"]
    assert [i.question.id for i in build_queue(bank, store, T0.timestamp(), cram=True, topics=("b",))] == ["b.0"]


def test_due_cards_are_filtered_and_orphans_kept(store):
    bank = Bank((q("a.1", ["x"]), q("a.2")))
    old = T0 - timedelta(days=400)
    for qid in ("a.1", "a.2", "gone.1"):
        store.record(qid, 3, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    assert [i.question.id for i in build_queue(bank, store, T0.timestamp(), tags=("x",))] == ["a.1"]
    items = build_queue(bank, store, T0.timestamp())
    assert sorted(i.question.id for i in items) == ["a.1", "a.2"] and "gone.1" in store.known_ids()


def test_preview_and_answer_use_the_limits(store):
    from test_pinned_schedule import FITTED as fitted

    limits = Limits(retention=0.8, parameters=fitted)
    s = Session.start(Bank((q("a.1"), q("b.1"))), store, limits=limits, clock=lambda: T0)
    want = {r: scheduler.format_interval(d) for r, d in scheduler.preview(None, T0, 0.8, fitted).items()}
    shown = s.preview(s.current())  # main shows the fuzzed interval the card will really get (issue #12)
    assert set(shown) == {1, 2, 3, 4} and [shown[r] for r in (1, 2, 3)] == [want[r] for r in (1, 2, 3)]
    assert want != Session.start(Bank((q("a.1"),)), store, limits=Limits(), clock=lambda: T0).preview(s.current())
    s.answer(4, given="typed", correct=True, duration_ms=1234)
    [r] = store.reviews()
    assert (r["question_id"], r["rating"], r["answer"], r["correct"], r["duration_ms"], r["cram"]) == (
        "a.1", 4, "typed", 1, 1234, 0)  # fmt: skip
    assert r["reviewed_at"] == T0.timestamp() and r["content_hash"] == q("a.1").content_hash
    unfuzzed = scheduler.review(None, 4, T0, 0.8, False, fitted)
    assert store.card("a.1")["stability"] == unfuzzed["stability"] == pytest.approx(20.0)  # w3 of FITTED


def test_counts_and_summary(store):
    old = T0 - timedelta(days=400)
    store.record("a.1", 3, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    s = Session.start(Bank((q("a.1"), q("b.1"), q("c.1"))), store, limits=Limits(), clock=lambda: T0)
    assert s.counts() == (0, 1, 2)
    s.answer(4, given="x", correct=False)
    assert s.counts() == (1, 0, 2)
    s.answer(4)
    summary = s.summary()
    # main: a wrong answer the learner rated as a pass (Easy here) is not a miss; only Again is
    assert (summary.done, summary.correct, summary.graded, summary.missed) == (2, 0, 1, [])
    assert summary.accuracy == 0.0 and summary.next_due == store.next_due(T0.timestamp())
    assert summary.next_due is not None and summary.next_due > T0.timestamp() and summary.seconds >= 0


def test_exam_queue_spreads_topics_and_respects_filters():
    bank = Bank(tuple(q(f"{t}.{i}", ["x"] if i == 0 else []) for t in "abc" for i in range(4)))
    items = exam_queue(bank, 6, random.Random(1))
    topics = [i.question.topic for i in items]
    assert len(items) == 6 and sorted(topics) == ["a", "a", "b", "b", "c", "c"] and len(set(topics[:3])) == 3
    assert not any(i.is_new for i in items) and len({i.question.id for i in items}) == 6
    assert {i.question.id for i in exam_queue(bank, 10, random.Random(0), tags=("x",))} == {"a.0", "b.0", "c.0"}
    assert {i.question.topic for i in exam_queue(bank, 10, random.Random(0), topics=("b",))} == {"b"}
    assert exam_queue(bank, 3, random.Random(5)) == exam_queue(bank, 3, random.Random(5))
    assert len(exam_queue(bank, 100, random.Random(0))) == 12


def test_exam_report_counts_by_topic():
    def item(qid):
        return Item(q(qid), is_new=False)

    history = [(1, item("a.1"), True), (2, item("a.2"), False), (3, item("b.1"), True), (4, item("c.1"), None)]
    r = exam_report(history)
    assert (r.asked, r.correct, r.missed) == (4, 2, ["a.2", "c.1"])
    assert r.by_topic == {"a": (1, 2), "b": (1, 1), "c": (0, 1)}
    assert exam_report([]).asked == 0 and exam_report([]).by_topic == {}


def test_due_items_are_exact_and_filtered_by_topic(store):
    bank = Bank((q("a.1"), q("b.1"), q("c.1")))
    old = T0 - timedelta(days=400)
    for qid in ("a.1", "b.1"):
        store.record(qid, 3, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False),
                     content_hash=q(qid).content_hash)  # fmt: skip
    items = build_queue(bank, store, T0.timestamp(), topics=("b", "c"))
    assert [(i.question.id, i.is_new, i.changed) for i in items] == [("b.1", False, False), ("c.1", True, False)]
    assert build_queue(bank, store, T0.timestamp(), limits=Limits(new_per_day=0)) == [
        build_queue(bank, store, T0.timestamp())[0], build_queue(bank, store, T0.timestamp())[1]]
    assert all(not i.is_new for i in build_queue(bank, store, T0.timestamp(), limits=Limits(new_per_day=0)))
    assert all(i.is_new is False for i in exam_queue(bank, 3, random.Random(0)))
    assert all(i.is_new is False for i in build_queue(bank, store, T0.timestamp(), cram=True))


def test_answers_are_fuzzed_the_requeued_copy_is_not_new_and_preview_reads_the_card(store):
    import random as stdlib_random

    old = T0 - timedelta(days=30)
    dues = set()
    for seed in range(6):
        store.record("a.1", 4, now=old.timestamp(), schedule=lambda s: scheduler.review(None, 4, old, fuzz=False))
        s = Session.start(Bank((q("a.1"),)), store, limits=Limits(), clock=lambda: T0)
        stdlib_random.seed(seed)
        rid = s.answer(3)
        dues.add(store.card("a.1")["due"])
        store.undo(rid)
    assert len(dues) > 1  # a real answer is fuzzed (Anki does the same), unlike the preview
    s = Session.start(Bank((q("b.1"),)), store, limits=Limits(), clock=lambda: T0)
    new_preview = s.preview(s.current())
    s.answer(1)
    assert s.current().is_new is False and s.current().question.id == "b.1"
    assert s.preview(s.current()) != new_preview  # the card's own state, not a new card's
    assert s.summary().seconds < 60


def test_a_long_bad_setting_is_cut_to_40_characters(store):
    store.set_setting("new_per_day", "9" * 30 + "x" * 30)
    with pytest.raises(StoreError) as err:
        Limits.from_store(store)
    assert f"= {('9' * 30 + 'x' * 10)!r} in" in str(err.value)
