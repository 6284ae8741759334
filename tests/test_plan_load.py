"""The plan's daily load as the session keeps it: early reviews fill a day below its forecast, due cards beyond
its band wait for tomorrow, missed days are made up at up to the cap, and after the interview plain FSRS.

Card states are written straight into a real store and the plan row is written by hand, so every expected
queue below is worked out from the numbers in this file."""

from datetime import date, datetime, timedelta, timezone

from quiz import plan
from quiz.bank import Bank, Question, Text
from quiz.session import Limits, Session, build_queue
from quiz.store import Store

DAY0 = date(2027, 3, 1)
T0 = datetime(2027, 3, 1, 8, 0).timestamp()  # local 08:00
DAY = 86400.0
REVIEW, LEARNING, RELEARNING = 2, 1, 3


def bank_of(*ids: str) -> Bank:
    return Bank(tuple(Question(id=i, topic="t", type="flashcard", difficulty=1, prompt=Text(i, i),
                               answer=Text("a", "a")) for i in ids))  # fmt: skip


def put(store: Store, qid: str, state: int, stability: float, last_days_ago: float, due_in_days: float) -> None:
    """A card in this FSRS state (one review, logged 40 days before the plan starts)."""
    row = {"state": state, "step": None if state == REVIEW else 0, "stability": stability, "difficulty": 5.0,
           "due": T0 + due_in_days * DAY, "last_review": T0 - last_days_ago * DAY}  # fmt: skip
    store.record(qid, 3, now=T0 - 40 * DAY, schedule=lambda _before: row)


def save_plan(store: Store, forecasts: list[float], cap: int | None = 100, new: list[int] = ()) -> dict:
    new = list(new) + [0] * (len(forecasts) - len(new))
    days = [{"date": (DAY0 + timedelta(days=i)).isoformat(), "quota": n, "new": n, "reviews": f, "final": 0.0,
             "minutes": 0.0} for i, (f, n) in enumerate(zip(forecasts, new, strict=True))]  # fmt: skip
    interview = DAY0 + timedelta(days=len(forecasts))
    body = {"interview": f"{interview.isoformat()}T09:00", "made_at": T0, "target": 0.9, "cap": cap, "topics": [],
            "first_good": 0.8, "days": days}  # fmt: skip
    store.save_plan(body, T0)
    return body


def at(t: float):
    return lambda: datetime.fromtimestamp(t, timezone.utc)


def walk(session: Session, ratings: dict | None = None) -> list[str]:
    """Answer every card the session shows (Good, or the rating given for the card's first showing)."""
    ratings, shown = dict(ratings or {}), []
    while (item := session.current()) is not None:
        shown.append(item.question.id)
        session.answer(ratings.pop(item.question.id, 3))
    return shown


def under_budget_store(quiz_home) -> tuple[Bank, Store]:
    store = Store.open(quiz_home)
    put(store, "d1", REVIEW, 5.0, 6, -1)  # due: (day end - last) / S = 6.67 / 5 = 1.33
    put(store, "d2", REVIEW, 4.0, 4, 0)  # due: 4.67 / 4 = 1.17
    # Review cards due in the next days; "now - last) / stability" orders them (the lowest recall now first)
    put(store, "e1", REVIEW, 10.0, 9, 1)  # 0.900
    put(store, "e2", REVIEW, 21.0, 19, 2)  # 0.905
    put(store, "e3", REVIEW, 5.0, 2, 3)  # 0.400
    put(store, "e4", REVIEW, 3.0, 1, 2)  # 0.333
    put(store, "e6", REVIEW, 31.0, 28, 3)  # 0.903
    put(store, "e5", REVIEW, 30.0, 25, plan.EARLY_DAYS + 2)  # not due within EARLY_DAYS
    put(store, "l1", LEARNING, 1.0, 1, 1)  # learning and relearning cards are never early reviews
    put(store, "r1", RELEARNING, 1.0, 1, 1)
    return bank_of("d1", "d2", "e1", "e2", "e3", "e4", "e5", "e6", "l1", "r1", "n1", "n2"), store


def test_an_under_budget_day_is_filled_with_the_soonest_due_review_cards(quiz_home):
    bank, store = under_budget_store(quiz_home)
    save_plan(store, [6.0] + [20.0] * 19)
    assert plan.load_band(100, 6.0) == (6, 6)
    queue = build_queue(bank, store, T0)
    assert [i.question.id for i in queue] == ["d1", "d2", "e2", "e6", "e1", "e3"]  # 6 - 2 due = 4 early reviews
    assert [(i.early, i.fill) for i in queue] == [(False, False)] * 2 + [(True, True)] * 4
    s = Session.start(bank, store, clock=at(T0))
    assert (s.cap, s.least, s.counts()) == (6, 6, (0, 6, 0))
    assert walk(s) == ["d1", "d2", "e2", "e6", "e1", "e3"]
    assert store.reviews_since(T0) == 6 and store.card("e4")["due"] == T0 + 2 * DAY  # the rest keep their dates
    assert store.card("n1") is None  # no new card: the plan's quota is 0


def test_early_reviews_wait_for_learning_steps_and_stop_at_the_days_band(quiz_home):
    bank, store = under_budget_store(quiz_home)
    save_plan(store, [6.0] + [20.0] * 19)
    s = Session.start(bank, store, clock=at(T0))
    # d1 forgotten: its relearning step (10 minutes, within learn-ahead) comes before any early review, and
    # counts against the day: after 6 answers the day is done and e1, e3 keep their dates
    assert walk(s, {"d1": 1}) == ["d1", "d2", "d1", "e2", "e6", "e1"]
    assert store.card("e3")["due"] == T0 + 3 * DAY


def test_early_reviews_stop_once_the_day_reaches_its_forecast(quiz_home):
    store = Store.open(quiz_home)
    for k in range(10):
        put(store, f"d{k}", REVIEW, 5.0 + k, 6 + k, -1)
    put(store, "e1", REVIEW, 10.0, 9, 1)
    put(store, "e2", REVIEW, 21.0, 19, 2)
    bank = bank_of(*(f"d{k}" for k in range(10)), "e1", "e2")
    save_plan(store, [11.0] + [20.0] * 19)
    assert plan.load_band(100, 11.0) == (12, 11)
    queue = build_queue(bank, store, T0)
    assert [i.question.id for i in queue][10:] == ["e2"]  # 11 - 10 due cards: one early review queued
    # all Good: 10 due cards and the early review make the day's 11
    assert walk(Session.start(bank, store, clock=at(T0)))[10:] == ["e2"]


def test_a_relearning_step_that_reaches_the_forecast_leaves_the_early_review_for_later(quiz_home):
    store = Store.open(quiz_home)
    for k in range(10):
        put(store, f"d{k}", REVIEW, 5.0 + k, 6 + k, -1)
    put(store, "e2", REVIEW, 21.0, 19, 2)
    bank = bank_of(*(f"d{k}" for k in range(10)), "e2")
    save_plan(store, [11.0] + [20.0] * 19)
    s = Session.start(bank, store, clock=at(T0))
    shown = walk(s, {"d0": 1})  # d0 forgotten: its relearning step is the day's 11th answer (the most is 12)
    assert len(shown) == 11 and shown.count("d0") == 2 and "e2" not in shown
    assert store.card("e2")["due"] == T0 + 2 * DAY


def test_an_over_budget_day_defers_the_least_urgent_due_cards(quiz_home):
    store = Store.open(quiz_home)
    for qid, (s, last) in {"u1": (2.0, 9), "u2": (4.0, 9), "u3": (8.0, 9), "u4": (16.0, 20), "u5": (30.0, 31)}.items():
        put(store, qid, REVIEW, s, last, -1)  # urgency (day end - last) / S: u1 4.8, u2 2.4, u3 1.2, u4 1.3, u5 1.0
    put(store, "e1", REVIEW, 10.0, 9, 1)
    bank = bank_of("u1", "u2", "u3", "u4", "u5", "e1")
    save_plan(store, [3.0] + [20.0] * 19)
    assert plan.load_band(100, 3.0) == (3, 3)
    queue = build_queue(bank, store, T0)
    # room for int(3 / 1.1) = 2 due cards; the others follow (fill) while the day's most allows; no early review
    assert [(i.question.id, i.fill, i.early) for i in queue] == [
        ("u1", False, False), ("u2", False, False), ("u4", True, False), ("u3", True, False), ("u5", True, False)]
    s = Session.start(bank, store, clock=at(T0))
    assert s.cap == 3 and walk(s) == ["u1", "u2", "u4"]
    waiting = [c.question_id for c in store.due_cards(T0 + 60)]
    assert waiting == ["u3", "u5"]  # the least urgent wait for tomorrow
    tomorrow = build_queue(bank, store, T0 + DAY)
    assert [i.question.id for i in tomorrow][:2] == ["u3", "u5"]


def test_in_the_last_week_early_reviews_stop_at_the_last_study_day_then_final_reviews_fill(quiz_home):
    store = Store.open(quiz_home)
    put(store, "x1", REVIEW, 10.0, 9, 1)  # due tomorrow: an early review (0.9)
    put(store, "x2", REVIEW, 4.0, 2, 2)  # due on the last study day: an early review (0.5)
    put(store, "x3", REVIEW, 30.0, 1, 2 + 16.5 / 24)  # due at 00:30 on the interview day: after the last study day
    put(store, "y1", REVIEW, 20.0, 1, 3)  # recall at the interview (4 days on): 0.973
    put(store, "y2", REVIEW, 10.0, 1, 10)  # 0.950
    put(store, "y3", REVIEW, 100.0, 1, 30)  # 0.994; x3: 0.981
    put(store, "l1", LEARNING, 1.0, 1, 1)
    bank = bank_of("x1", "x2", "x3", "y1", "y2", "y3", "l1", "n1")
    body = save_plan(store, [10.0, 10.0, 10.0])  # the interview on day 3: every day is in the last week
    today = plan.today(body, T0)
    model = plan.Model()
    recall = {q: plan.recall_at(model, plan.card_from_state(store.card(q)), today.interview)
              for q in ("x3", "y1", "y2", "y3")}  # fmt: skip
    assert sorted(recall, key=recall.get) == ["y2", "y1", "x3", "y3"] and min(recall.values()) >= 0.9  # no final review due
    queue = build_queue(bank, store, T0)
    assert [i.question.id for i in queue] == ["x1", "x2", "y2", "y1", "x3", "y3"]
    assert all(i.fill and i.early for i in queue)


def test_after_the_interview_plain_fsrs_resumes_without_a_band(quiz_home):
    bank, store = under_budget_store(quiz_home)
    body = save_plan(store, [6.0] * 3)
    after = datetime.fromisoformat(body["interview"]).timestamp() + 3600
    assert plan.today(store.active_plan(), after) is None
    queue = build_queue(bank, store, after, limits=Limits(new_per_day=0))
    assert [i.question.id for i in queue] == [c.question_id for c in store.due_cards(after)]
    assert not any(i.early or i.fill for i in queue) and len(queue) == 9  # every card but e5 is due by then
    s = Session.start(bank, store, clock=at(after), limits=Limits(new_per_day=0))
    assert (s.cap, s.least) == (None, 0)
    assert len(walk(s)) >= 9  # no daily band: every due card (and any relearning step)


def test_missed_days_are_made_up_at_up_to_the_cap(quiz_home):
    store = Store.open(quiz_home)
    put(store, "x", REVIEW, 1000.0, 1, 900)
    bank = bank_of("x")

    def answers(day: int, n: int) -> None:
        for k in range(n):
            store.record("x", 3, now=T0 + day * DAY + k, schedule=lambda before: before)

    save_plan(store, [10.0] * 20)
    answers(0, 10)  # day 0 as planned
    answers(1, 4)  # day 1: fewer than half its forecast: missed
    s = Session.start(bank, store, clock=at(T0 + 2 * DAY))
    assert (s.cap, s.least) == (10 + 6, 10)  # floor(10 / 0.91) = 10, plus the 6 answers day 1 left
    save_plan(store, [10.0] * 20, cap=12)
    assert Session.start(bank, store, clock=at(T0 + 2 * DAY)).cap == 12  # never above the cap
    save_plan(store, [10.0] * 20)
    answers(2, 16)  # made up on day 2
    assert Session.start(bank, store, clock=at(T0 + 3 * DAY)).cap == 10


def test_new_cards_behind_the_forecast_lift_the_days_most_to_the_cap(quiz_home):
    """A cap that binds can leave new cards behind the forecast's (bad luck): more than NEW_SLACK behind, the day
    may go up to the cap so they are not left out for good."""
    store = Store.open(quiz_home)
    bank = bank_of(*(f"n{k}" for k in range(8)))
    save_plan(store, [0.0] + [10.0] * 19, new=[5])  # day 0: 5 new cards in the forecast
    for k in range(2):  # only 2 introduced on day 0
        store.record(f"n{k}", 3, now=T0 + k, schedule=lambda _b: {"state": REVIEW, "step": None, "stability": 50.0,
                                                                     "difficulty": 5.0, "due": T0 + 50 * DAY,
                                                                     "last_review": T0})  # fmt: skip
    assert plan.NEW_SLACK == 2
    assert Session.start(bank, store, clock=at(T0 + DAY)).cap == 100  # 3 behind: up to the cap
    save_plan(store, [0.0] + [10.0] * 19, cap=None, new=[5])
    s = Session.start(bank, store, clock=at(T0 + DAY))
    assert s.cap is None  # no cap: no limit
    assert [i.question.id for i in s.queue] == ["n2", "n3", "n4"]  # the rest of day 0's quota
    save_plan(store, [0.0] + [10.0] * 19, new=[5])
    store.record("n2", 3, now=T0 + 2, schedule=lambda _b: {"state": REVIEW, "step": None, "stability": 50.0,
                                                           "difficulty": 5.0, "due": T0 + 50 * DAY, "last_review": T0})
    assert Session.start(bank, store, clock=at(T0 + DAY)).cap == 10  # 2 behind: the day's band (floor(10 / 0.91))
