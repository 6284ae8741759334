"""Pinned session details found by mutation testing: settings, exam queue and report, previews, what is stored."""

import json
import random
import time
from collections import deque
from datetime import datetime, timedelta, timezone

import pytest

from quiz import scheduler
from quiz.bank import Bank, Question, Text
from quiz.errors import StoreError
from quiz.session import (
    N_FSRS_PARAMETERS,
    ExamReport,
    Item,
    Limits,
    Session,
    build_queue,
    exam_queue,
    exam_report,
    start_of_day,
)

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def q(qid: str, tags=()) -> Question:
    return Question(qid, qid.split(".")[0], "flashcard", 1, Text(qid, qid), Text("a", "a"), tags=tuple(tags))


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


# --- found by the mutation run of issue #9 (session at 72.5%): drafts, new-card order, exam, skip, drawn fuzz, counts --


def test_drafts_are_left_out_with_one_problem_each():
    from quiz.bank import Choice
    from quiz.session import without_drafts

    def card(qid, prompt="p", answer="a", **kw):
        return Question(qid, qid.split(".")[0], kw.pop("kind", "flashcard"), 1, Text(prompt, prompt),
                        None if answer is None else Text(answer, answer), path=f"{qid.split('.')[0]}.yaml",
                        line=kw.pop("line", 1), **kw)  # fmt: skip

    kept = (card("a.1", "TODOS on a mastodon"), card("b.1"))
    drafts = (
        card("a.2", "TODO: ask", line=4),
        card("a.3", explanation=Text("fine", "还有 TODO"), line=9),
        card("a.4", "ok", None, kind="mcq", choices=(Choice(Text("b", "b"), False), Choice(Text("TODO", "c"), True)),
             line=14),
        card("a.todo-5", line=20),
        card("b.todo", "TODO", "TODO", line=30),
    )  # fmt: skip
    bank = Bank((kept[0], *drafts, kept[1]), {"a": Text("A", "A")})
    clean, problems = without_drafts(bank)
    assert clean == Bank(kept, {"a": Text("A", "A")})
    assert [str(p) for p in problems] == [
        "a.yaml:4:1: Q026 a.2: placeholder TODO left in prompt",
        "a.yaml:9:1: Q026 a.3: placeholder TODO left in explanation",
        "a.yaml:14:1: Q026 a.4: placeholder TODO left in choices[1]",
        "a.yaml:20:1: Q026 a.todo-5: placeholder TODO left in id",
        "b.yaml:30:1: Q026 b.todo: placeholder TODO left in prompt, answer",
    ]
    finished = Bank(kept)
    assert without_drafts(finished)[0] is finished and without_drafts(finished)[1] == []


def test_new_order_takes_each_type_in_turn_from_the_least_seen_topic():
    from quiz.session import new_order

    def card(qid, kind):
        return Question(qid, qid.split(".")[0], kind, 1, Text(qid, qid), Text("a", "a"))

    bank = [card("a.1", "cloze"), card("z.1", "flashcard"), card("z.2", "flashcard"), card("z.3", "mcq"),
            card("a.2", "mcq"), card("m.1", "flashcard"), card("m.2", "essay"), card("a.3", "flashcard")]  # fmt: skip
    # types in TYPE_ORDER (flashcard, mcq, cloze; an unknown type last), each from the topic seen least so far
    # (ties: bank order a, z, m): flashcard a.3, mcq z.3, cloze a.1, essay m.2; then flashcard z.1 (z and m seen
    # once: z first), mcq a.2; flashcard m.1 (m once, z twice); z.2
    assert [x.id for x in new_order(bank)] == ["a.3", "z.3", "a.1", "m.2", "z.1", "a.2", "m.1", "z.2"]


def test_exam_report_counts_unanswered_questions_as_asked():
    def item(qid):
        return Item(q(qid), is_new=False)

    r = exam_report([(1, item("a.1"), True), (2, item("b.1"), False)], [item("a.2"), item("c.1"), item("c.2")])
    assert r == ExamReport(5, 1, {"a": (1, 2), "b": (0, 1), "c": (0, 2)}, ["b.1"], ["a.2", "c.1", "c.2"])


def test_skip_moves_past_a_queued_card_but_never_drops_a_learning_one(store):
    bank = Bank((q("a.1"), q("a.2"), q("a.3")))
    s = Session(store, deque(Item(x, is_new=False) for x in bank.questions), cram=True, clock=lambda: T0)
    assert s.skip().question.id == "a.1" and s.current().question.id == "a.2" and len(s.queue) == 2
    s.answer(3)
    assert s.skip().question.id == "a.3" and s.skip() is None and s.current() is None and s.done == 1
    # a learning card on screen is not the queue's first card: skipping it leaves the queue alone
    later = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    later.answer(1)  # a.1 Again: back in a minute
    clock = [T0 + timedelta(minutes=2)]
    s = Session.start(bank, store, limits=Limits(), clock=lambda: clock[0])
    assert s.current().question.id == "a.1" and ids(s.queue) == ["a.1", "a.2", "a.3"]  # shown as a learning card
    assert s.skip().question.id == "a.1" and ids(s.queue) == ["a.1", "a.2", "a.3"]


def ids(items) -> list[str]:
    return [i.question.id for i in items]


def test_answer_keeps_the_drawn_fuzz_shifted_to_the_answer_time(store):
    old = T0 - timedelta(days=30)
    store.record("a.1", 4, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    state = store.card("a.1")
    random.seed(11)
    drawn = {r: scheduler.review(state, r, T0, 0.9, True, None) for r in (1, 2, 3, 4)}  # preview's draws, in order
    clock = [T0]
    s = Session.start(Bank((q("a.1"),)), store, limits=Limits(), clock=lambda: clock[0])
    random.seed(11)
    s.preview(s.current())
    clock[0] = T0 + timedelta(seconds=7)
    s.answer(3)
    got = {k: store.card("a.1")[k] for k in drawn[3]}
    assert got == {**drawn[3], "due": drawn[3]["due"] + 7, "last_review": T0.timestamp() + 7}
    with pytest.raises(IndexError, match="^no card to answer$"):
        s.answer(3)


def test_answer_redraws_when_another_session_moved_the_card(store):
    old = T0 - timedelta(days=30)
    store.record("a.1", 4, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    clock = [T0]
    s = Session.start(Bank((q("a.1"),)), store, limits=Limits(), clock=lambda: clock[0])
    s.preview(s.current())
    meanwhile = T0 + timedelta(seconds=1)
    store.record("a.1", 1, now=meanwhile.timestamp(), schedule=lambda st: scheduler.review(st, 1, meanwhile, fuzz=False))
    moved = store.card("a.1")
    clock[0] = T0 + timedelta(seconds=7)
    s.answer(3)
    want = scheduler.review(moved, 3, clock[0], fuzz=False)
    got = store.card("a.1")
    assert (got["state"], got["stability"], got["difficulty"]) == (want["state"], want["stability"], want["difficulty"])


def relearning(store, qid: str, due: datetime):
    state = {"state": 3, "step": 0, "stability": 2.0, "difficulty": 5.0, "due": due.timestamp(),
             "last_review": (due - timedelta(minutes=10)).timestamp()}  # fmt: skip
    store.record(qid, 1, now=state["last_review"], schedule=lambda _s: state)


def test_counts_name_the_card_on_screen_and_the_learning_cards(store):
    bank = Bank((q("a.1"), q("a.2"), q("a.3"), q("a.4")))
    old = T0 - timedelta(days=30)
    for qid in ("a.1", "a.2"):
        store.record(qid, 4, now=old.timestamp(), schedule=lambda s: scheduler.review(s, 4, old, fuzz=False))
    clock = [T0]
    s = Session.start(bank, store, limits=Limits(new_per_day=1), clock=lambda: clock[0])
    assert ids(s.queue) == ["a.1", "a.2", "a.3"] and s.counts() == (0, 2, 1)
    assert s.current().question.id == "a.1" and s.counts() == (0, 2, 1)  # on screen and still first in the queue
    s.answer(1)  # Again: relearning, due in 10 minutes
    assert s.counts() == (1, 1, 1)
    s.answer(4)  # a.2
    assert s.current().question.id == "a.3" and s.counts() == (2, 0, 1)  # a new card on screen is not a review
    clock[0] = T0 + timedelta(minutes=11)
    assert s.counts() == (2, 1, 1)  # a.1 is due again
    cram = Session.start(bank, store, cram=True, rng=random.Random(0), clock=lambda: clock[0])
    while cram.current().question.id != "a.1":
        cram.answer(3)
    cram.answer(3)
    assert cram.counts() == (4 - len(cram.queue), len(cram.queue), 0)  # learning cards are not cram's business


def test_learning_cards_follow_the_sessions_filters(store):
    bank = Bank((q("a.1", ["x"]), q("b.1", ["x"]), Question("a.2", "a", "mcq", 1, Text("p", "p"), None)))
    for minutes, qid in ((4, "gone.1"), (3, "a.1"), (2, "b.1"), (1, "a.2")):
        relearning(store, qid, T0 - timedelta(minutes=minutes))
    for filters, shown in (({}, ["a.1", "b.1", "a.2"]), ({"topics": ("a",)}, ["a.1", "a.2"]),
                           ({"tags": ("x",)}, ["a.1", "b.1"]), ({"types": ("mcq",)}, ["a.2"])):  # fmt: skip
        s = Session.start(bank, store, limits=Limits(new_per_day=0), clock=lambda: T0, **filters)
        assert s.current().question.id == shown[0] and s.counts() == (0, len(shown), 0)
        assert s.summary().learning_later == len(shown)


def test_summary_of_cram_and_exam_sessions(store):
    bank = Bank((q("a.1", ["x"]), Question("a.2", "a", "mcq", 1, Text("p", "p"), None), q("a.3")))
    relearning(store, "a.3", T0 + timedelta(hours=2))  # back later today
    for qid, days in (("a.1", 2), ("a.2", 3)):
        due = T0 + timedelta(days=days)
        store.record(qid, 4, now=T0.timestamp() - 60, schedule=lambda _s, d=due: {
            "state": 2, "step": None, "stability": 5.0, "difficulty": 5.0, "due": d.timestamp(),
            "last_review": T0.timestamp() - 60})  # fmt: skip
    cram = Session.start(bank, store, cram=True, rng=random.Random(0), clock=lambda: T0)
    assert cram.summary().learning_later == 0
    exam = Session(store, deque(), cram=True, clock=lambda: T0)  # a mock interview: no bank, no filters
    assert exam.summary().next_due == (T0 + timedelta(hours=2)).timestamp() and exam.summary().learning_later == 0
    for filters, due in (({"tags": ("x",)}, 2), ({"types": ("mcq",)}, 3)):
        s = Session.start(bank, store, limits=Limits(), clock=lambda: T0, **filters)
        assert s.summary().next_due == (T0 + timedelta(days=due)).timestamp()


def test_cram_takes_the_type_filter(store):
    bank = Bank((q("a.1"), Question("a.2", "a", "mcq", 1, Text("p", "p"), None)))
    assert ids(build_queue(bank, store, T0.timestamp(), cram=True, types=("mcq",))) == ["a.2"]


def test_the_limit_note_counts_the_cards_of_the_sessions_filters(store):
    mcq = [Question(f"a.{i}", "a", "mcq", 1, Text("p", "p"), None) for i in (4, 5)]
    bank = Bank((q("a.1", ["x"]), q("a.2", ["x"]), q("a.3"), *mcq))
    limits = Limits(new_per_day=1)
    first = Session.start(bank, store, limits=limits, clock=lambda: T0)
    assert first.current().question.id == "a.1"
    first.answer(4)  # today's one new card

    def note(**filters):
        return Session.start(bank, store, limits=limits, clock=lambda: T0, **filters).limit_note("en")

    assert note(tags=("x",)) == ("The daily limit of new cards (1) is reached (1 introduced today); 1 new card is still "
                                 "waiting. For more today: quiz study --new 11; for every day: quiz config new_per_day 11.")
    assert "; 2 new cards are still waiting." in note(types=("mcq",))
    assert "; 4 new cards are still waiting." in note()
    assert note(tags=("x",), types=("mcq",)) is None  # no tagged mcq: the limit is not why the session is empty
