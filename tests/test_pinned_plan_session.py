"""Pinned plan-mode study (quiz/session.py with an active interview plan) found by mutation testing: the topic, tag
and type filters of the due, new and final-review cards, cram and plain FSRS around a plan, and the daily cap's
boundary. The plan is made the way `quiz plan` makes it (cli_plan.compute) without a cap, so that what is asserted
here does not depend on how a day's review budget is split."""

import random
from collections import deque
from datetime import datetime, timedelta, timezone

import pytest

from quiz import plan as plan_mod
from quiz.bank import Bank, Question, Text
from quiz.cli_plan import compute
from quiz.session import Item, Limits, Session, build_queue, new_order, start_of_day
from quiz.store import Store

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
NOW = T0.timestamp()
DAY = 86400.0
HOUR = 3600.0


def q(qid: str, tags=(), kind: str = "flashcard") -> Question:
    return Question(qid, qid.split(".")[0], kind, 1, Text(qid, qid), Text("a", "a"), tags=tuple(tags))


def put(store: Store, qid: str, due: float, last: float, stability: float = 10.0, content_hash: str | None = None):
    """A card in Review state, last reviewed at `last` and due at `due` (one review logged at `last`)."""
    state = {"state": 2, "step": None, "stability": stability, "difficulty": 5.0, "due": due, "last_review": last}
    store.record(qid, 3, now=last, schedule=lambda _s: state, content_hash=content_hash)


def make_plan(bank: Bank, store: Store, days: int, now: float = NOW, **kw) -> dict:
    """`quiz plan --date <today + days>` without a cap, saved as the active plan."""
    interview = datetime.fromtimestamp(now).date() + timedelta(days=days)
    body = compute(bank, store, interview, now, limits=Limits(), **kw).to_dict()
    store.save_plan(body, now)
    return body


def ids(items) -> list[str]:
    return [i.question.id for i in items]


def planned_items(queue) -> list:
    """The queue without optional early reviews that only fill a day up to its planned load (an `Item.fill`, where
    the session has them): the due, final-review and new cards a plan must show."""
    return [i for i in queue if not getattr(i, "fill", False)]


def matches(question: Question, topics=(), tags=(), types=()) -> bool:
    """The study filters, written out here (quiz.session.matches is what is under test)."""
    return ((not topics or question.topic in topics) and (not tags or bool(set(tags) & set(question.tags)))
            and (not types or question.type in types))  # fmt: skip


# --- the filters of due and new cards ------------------------------------------------------------------------

OLD = (("a.1", ["x"], "flashcard"), ("a.2", [], "flashcard"), ("a.3", [], "mcq"),
       ("b.1", ["x"], "flashcard"), ("b.2", [], "flashcard"), ("b.3", [], "mcq"))  # fmt: skip
NEW = (("a.4", [], "flashcard"), ("a.5", ["x"], "flashcard"), ("a.6", [], "mcq"),
       ("b.4", [], "flashcard"), ("b.5", ["x"], "flashcard"), ("b.6", [], "mcq"))  # fmt: skip


@pytest.fixture
def planned(store):
    """Twelve cards (topics a and b, tag x on two of each, an mcq in each): six reviewed, six new; a plan to an
    interview 20 days away (not yet the final-review window). a.2 falls due later today, the others are due."""
    bank = Bank(tuple(q(i, t, k) for i, t, k in OLD + NEW))
    for qid, _tags, _kind in OLD:
        due = NOW + 2 * HOUR if qid == "a.2" else NOW - DAY
        put(store, qid, due, NOW - 11 * DAY, content_hash="edited since" if qid == "b.2" else None)
    body = make_plan(bank, store, 20)
    assert plan_mod.today(store.active_plan(), NOW).in_window is False
    return bank, body


@pytest.mark.parametrize("filters, due, fresh", [
    ({}, {"a.1", "a.2", "a.3", "b.1", "b.2", "b.3"}, ["a.4", "a.5", "a.6", "b.4", "b.5", "b.6"]),
    ({"topics": ("a",)}, {"a.1", "a.2", "a.3"}, ["a.4", "a.5", "a.6"]),
    ({"topics": ("b",)}, {"b.1", "b.2", "b.3"}, ["b.4", "b.5", "b.6"]),
    ({"tags": ("x",)}, {"a.1", "b.1"}, ["a.5", "b.5"]),
    ({"types": ("mcq",)}, {"a.3", "b.3"}, ["a.6", "b.6"]),
])  # fmt: skip
def test_a_plan_filters_due_and_new_cards(store, planned, filters, due, fresh):
    bank, body = planned
    queue = build_queue(bank, store, NOW, limits=Limits(new_per_day=0, reviews_per_day=0), **filters)
    # the plan's own quota, not the limits (0 here), decides today's new cards; a card due later today is due
    quota = body["days"][0]["quota"]
    assert quota >= 1
    order = [x.id for x in new_order([bank.by_id[i] for i in fresh])]
    assert ids(i for i in queue if i.is_new) == order[:quota]
    assert {i.question.id for i in queue if not i.is_new} == due
    reviews = [i for i in queue if not i.is_new]  # b.2 was edited since its last review
    assert reviews == [Item(i.question, is_new=False, changed=i.question.id == "b.2") for i in reviews]
    assert not any(i.early for i in queue)  # 20 days out: no final reviews yet


def test_the_plans_topics_apply_unless_the_session_names_its_own(store):
    bank = Bank(tuple(q(i, t, k) for i, t, k in OLD))
    for qid, _tags, _kind in OLD:
        put(store, qid, NOW - DAY, NOW - 11 * DAY)
    make_plan(bank, store, 20, topics=("a",))
    assert set(ids(build_queue(bank, store, NOW))) == {"a.1", "a.2", "a.3"}
    assert set(ids(build_queue(bank, store, NOW, topics=("b",)))) == {"b.1", "b.2", "b.3"}
    s = Session.start(bank, store, limits=Limits(), clock=lambda: T0)
    assert s.topics == ("a",) and set(ids(s.queue)) == {"a.1", "a.2", "a.3"}
    s = Session.start(bank, store, limits=Limits(), topics=("b",), tags=("t",), types=("mcq",), clock=lambda: T0)
    assert (s.topics, s.tags, s.types) == (("b",), ("t",), ("mcq",)) and list(s.queue) == []


def test_new_cards_introduced_since_the_plan_count_against_its_quota(store, planned):
    bank, body = planned
    quotas = [d["quota"] for d in body["days"]]
    assert quotas[0] >= 1 and quotas[1] >= 1
    s = Session.start(bank, store, limits=Limits(), clock=lambda: T0 + timedelta(minutes=1))
    first = [i for i in s.queue if i.is_new]
    assert len(first) == quotas[0]
    while s.current() is not None:
        s.answer(4)  # Easy: every card of today, the new ones included, leaves the queue for days
    assert sum(i.is_new for i in build_queue(bank, store, NOW + HOUR)) == 0  # today's quota is spent
    tomorrow = start_of_day(NOW) + DAY + 9 * HOUR
    assert sum(i.is_new for i in build_queue(bank, store, tomorrow)) == quotas[1]  # quotas add up: day 2's, no more


# --- final reviews -------------------------------------------------------------------------------------------


def weak(store: Store, until: float):
    """Cards in Review state that FSRS shows next only after `until`, whose recall at the interview is below 0.9:
    b.1 the weakest (5 days since its review), then a.1 (3 days), a.2 (1 day); a.3 is due now."""
    for qid, days in (("b.1", 5), ("a.1", 3), ("a.2", 1)):
        put(store, qid, until + 2 * DAY, NOW - days * DAY, stability=4.0)
    put(store, "a.3", NOW - DAY, NOW - 11 * DAY)


@pytest.mark.parametrize("filters, picked", [({}, "b.1"), ({"topics": ("a",)}, "a.1"), ({"tags": ("x",)}, "a.2"),
                                             ({"types": ("mcq",)}, "a.2")])  # fmt: skip
def test_final_reviews_take_the_weakest_matching_card(store, filters, picked):
    bank = Bank((q("a.1"), q("a.2", ["x"], "mcq"), q("a.3"), q("b.1")))
    interview = datetime.fromtimestamp(NOW).date() + timedelta(days=5)
    weak(store, plan_mod.midnight(interview))
    make_plan(bank, store, 5)
    today = plan_mod.today(store.active_plan(), NOW)
    assert today.in_window and today.days_left == 5
    model = plan_mod.Model()
    cards = {k: plan_mod.card_from_state(s) for k, s in store.card_states().items()}
    recall = {k: plan_mod.recall_at(model, cards[k], today.interview) for k in ("a.1", "a.2", "b.1")}
    assert recall["b.1"] < recall["a.1"] < recall["a.2"] < 0.9
    # at most three candidates over five days left: one today (the weakest that matches), after the due card
    due = [Item(bank.by_id["a.3"], is_new=False)] if matches(bank.by_id["a.3"], **filters) else []
    queue = build_queue(bank, store, NOW, **filters)
    assert planned_items(queue) == [*due, Item(bank.by_id[picked], is_new=False, early=True)]
    assert all(matches(i.question, **filters) for i in queue)



def test_a_final_review_is_shown_once_and_not_after_an_undo_elsewhere(store):
    bank = Bank((q("a.1"), q("a.2"), q("a.3"), q("b.1")))
    interview = datetime.fromtimestamp(NOW).date() + timedelta(days=5)
    weak(store, plan_mod.midnight(interview))
    make_plan(bank, store, 5)
    s = Session.start(bank, store, limits=Limits(), topics=("b",), clock=lambda: T0)
    assert s.current() == Item(bank.by_id["b.1"], is_new=False, early=True)
    s.answer(4)
    assert s.current() is None and store.card("b.1")["due"] > NOW + 5 * DAY
    s = Session.start(bank, store, limits=Limits(), topics=("a",), clock=lambda: T0)
    assert "a.1" in ids(planned_items(s.queue))
    store.undo(store.reviews("a.1")[-1]["id"])  # another session takes back a.1's only review: a new card again
    shown = []
    while (item := s.current()) is not None:
        shown.append(item.question.id)
        s.answer(4)
    assert "a.1" not in shown  # the final review of a card that no longer has a schedule is dropped


def test_final_reviews_use_the_fitted_weights(store):
    # one card 5 days (and an hour) after its review at the interview, stability 10: recall 0.9403 with the default
    # weights, 0.9422 with the fitted ones; the target 0.941 lies between
    fitted = (0.5, 1.5, 4.0, 20.0, 7.0, 0.6, 2.0, 0.01, 1.4, 0.15, 0.9, 1.9, 0.11, 0.3, 2.3, 0.2, 3.0, 0.5, 0.65, 0.1,
              0.2)  # fmt: skip
    bank = Bank((q("a.1"),))
    interview = datetime.fromtimestamp(NOW).date() + timedelta(days=5)
    at = plan_mod.interview_time(interview)
    put(store, "a.1", at + 2 * DAY, at - 5 * DAY - HOUR)
    make_plan(bank, store, 5, target=0.941)
    assert build_queue(bank, store, NOW, limits=Limits()) == [Item(bank.by_id["a.1"], is_new=False, early=True)]
    assert build_queue(bank, store, NOW, limits=Limits(parameters=fitted)) == []


def test_a_capped_plan_queues_no_more_due_cards_than_the_cap_leaves(store):
    bank = Bank(tuple(q(f"a.{i}") for i in range(6)))
    for i in range(4):
        put(store, f"a.{i}", NOW - DAY, NOW - 11 * DAY)
    for i in (4, 5):
        put(store, f"a.{i}", NOW + 9 * DAY, NOW - HOUR)  # two reviews already today
    make_plan(bank, store, 20, cap=3)
    queue = build_queue(bank, store, NOW)
    assert len([i for i in planned_items(queue) if not i.early]) <= 1  # 3 a day, 2 done: one more due card at most


def test_no_final_reviews_before_the_window(store):
    bank = Bank(tuple(q(i) for i in ("a.1", "a.2", "a.3", "b.1")))
    interview = datetime.fromtimestamp(NOW).date() + timedelta(days=20)
    weak(store, plan_mod.midnight(interview))  # weak at the interview and not shown before it, but 20 days out
    make_plan(bank, store, 20)
    assert not plan_mod.today(store.active_plan(), NOW).in_window
    assert [(i.question.id, i.early) for i in build_queue(bank, store, NOW)] == [("a.3", False)]


# --- cram, and plain FSRS after the interview --------------------------------------------------------------------


def test_cram_ignores_the_plan(store, planned):
    bank, _body = planned
    store.save_plan({**store.active_plan(), "topics": ["a"], "cap": 1}, NOW)
    assert plan_mod.today(store.active_plan(), NOW).cap == 1
    before = store.card_states()
    s = Session.start(bank, store, cram=True, limits=Limits(), rng=random.Random(0), clock=lambda: T0)
    assert (s.cap, s.due_until, s.topics) == (None, None, ())
    assert sorted(ids(s.queue)) == sorted(i for i, _t, _k in OLD + NEW)  # every card, not the plan's topic a
    for rating in (1, 3, 4):
        s.answer(rating)
    assert s.current() is not None and s.done == 3  # the plan's cap of 1 does not end a cram session
    assert store.card_states() == before


def test_after_the_interview_study_is_plain_fsrs(store, planned):
    bank, _body = planned
    store.save_plan({**store.active_plan(), "topics": ["a"], "cap": 1}, NOW)
    after = datetime.fromisoformat(store.active_plan()["interview"]).timestamp() + HOUR
    for qid, _tags, _kind in OLD:  # all due again, b.2 and a.2 only later that day
        put(store, qid, after + 2 * HOUR if qid in ("a.2", "b.2") else after - DAY, after - 11 * DAY)
    clock = lambda: datetime.fromtimestamp(after, timezone.utc)  # noqa: E731
    s = Session.start(bank, store, limits=Limits(new_per_day=2, reviews_per_day=3), clock=clock)
    assert (s.cap, s.before, s.due_until, s.topics) == (None, 0, None, ())
    due = ids(i for i in s.queue if not i.is_new)
    assert len(due) == 3 and set(due) < {"a.1", "a.3", "b.1", "b.3"}  # due by now only, at most reviews_per_day
    assert sum(i.is_new for i in s.queue) == 2  # the limits' new cards, of every topic


# --- a plan's day: cards due later today, the cap -----------------------------------------------------------------


def test_a_plan_session_counts_cards_due_later_today(store, planned):
    bank, _body = planned
    store.save_plan({**store.active_plan(), "cap": 50}, NOW)
    put(store, "b.4", NOW + 5 * DAY, NOW - HOUR)  # a review earlier today
    s = Session.start(bank, store, limits=Limits(), topics=("a",), types=("flashcard",), clock=lambda: T0)
    assert s.due_until == plan_mod.midnight(datetime.fromtimestamp(NOW).date() + timedelta(days=1))
    assert s.before == 1 and s.cap is not None
    assert {i.question.id for i in s.queue if not i.is_new} == {"a.1", "a.2"}
    shown = []
    while (item := s.current()) is not None:
        shown.append(item.question.id)
        s.answer(4)
    assert set(shown[:2]) == {"a.1", "a.2"}  # a.2, due in two hours, is still wanted today


@pytest.mark.parametrize("before", [0, 2])
def test_the_cap_ends_the_session_when_todays_reviews_reach_it(store, before):
    bank = Bank(tuple(q(f"t.{i}") for i in range(6)))
    items = deque(Item(x, is_new=True) for x in bank.questions)
    s = Session(store, items, Limits(), clock=lambda: T0, cap=before + 2, before=before, bank=bank)
    s.answer(1)  # Again: back in a minute, within the learn-ahead limit
    assert s.current() is not None
    s.answer(1)
    assert s.current() is None and list(s.queue) == []  # reached: neither the queue nor the learning card
    assert s.undo().question.id == "t.1" and s.current().question.id == "t.1"  # an undone answer reopens the day
    s.answer(4)
    assert s.current() is None
    cram = Session(store, deque(Item(x, is_new=False) for x in bank.questions), cram=True, clock=lambda: T0, cap=1)
    cram.answer(3)
    assert cram.current() is not None  # practice is not counted against the cap
