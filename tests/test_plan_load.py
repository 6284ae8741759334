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
    assert s.cap == 3 and s.counts() == (0, 3, 0)  # u1, u2 and one left out: the day's most
    assert walk(s) == ["u1", "u2", "u4"]
    assert s.counts() == (3, 0, 0)  # u3 and u5 are still queued, beyond the day's most
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


def record_today(store: Store, qid: str, when: float, stability: float, due_in_days: float) -> None:
    """A Review card answered at `when` (today: it counts among the day's answers), due `due_in_days` after T0."""
    row = {"state": REVIEW, "step": None, "stability": stability, "difficulty": 5.0, "due": T0 + due_in_days * DAY,
           "last_review": when}  # fmt: skip
    store.record(qid, 3, now=when, schedule=lambda _before: row)


def test_a_day_outside_the_plans_days_takes_the_caps_split_with_no_band(quiz_home):
    """Today is not one of the plan's days (no forecast): due cards, then new cards, as plan.budget splits the cap."""
    store = Store.open(quiz_home)
    for qid, s in (("u1", 2.0), ("u2", 4.0), ("u3", 8.0)):
        put(store, qid, REVIEW, s, 9, -1)
    bank = bank_of("u1", "u2", "u3", "n1", "n2", "n3")
    days = [{"date": (DAY0 + timedelta(days=i)).isoformat(), "quota": 2 if i < 0 else 0, "new": 2 if i < 0 else 0,
             "reviews": 20.0, "final": 0.0, "minutes": 0.0} for i in [-1] + list(range(1, 20))]  # fmt: skip
    body = {"interview": "2027-03-21T09:00", "made_at": T0 - DAY, "target": 0.9, "cap": 3, "topics": [],
            "first_good": 0.8, "days": days}  # fmt: skip
    store.save_plan(body, T0 - DAY)
    assert plan.today(body, T0).forecast is None and plan.budget(3, 0, 3, 2, 0.8, 0.9) == (3, 0, 0)
    queue = build_queue(bank, store, T0)  # 3 - 3 * 1.1 < 0: no room for a new card under the cap
    assert [(i.question.id, i.is_new, i.early, i.fill) for i in queue] == [
        ("u1", False, False, False), ("u2", False, False, False), ("u3", False, False, False)]
    store.save_plan({**body, "cap": 100}, T0 - DAY)
    queue = build_queue(bank, store, T0)  # yesterday's quota of 2 new cards, none introduced yet
    assert [(i.question.id, i.is_new, i.fill) for i in queue] == [
        ("u1", False, False), ("u2", False, False), ("u3", False, False), ("n1", True, False), ("n2", True, False)]
    s = Session.start(bank, store, clock=at(T0))
    assert (s.cap, s.least, s.counts()) == (100, 0, (0, 3, 2))


def _new_card_plan(store: Store, made_at: float, new_yesterday: int) -> None:
    days = [{"date": (DAY0 + timedelta(days=i)).isoformat(), "quota": new_yesterday if i < 0 else 0,
             "new": new_yesterday if i < 0 else 0, "reviews": 0.0 if i < 0 else 10.0, "final": 0.0, "minutes": 0.0}
            for i in range(-1, 19)]  # fmt: skip
    store.save_plan({"interview": "2027-03-20T09:00", "made_at": made_at, "target": 0.9, "cap": 100, "topics": [],
                     "first_good": 0.8, "days": days}, made_at)  # fmt: skip


def test_new_cards_behind_count_only_those_introduced_on_the_plans_past_days(quiz_home):
    """plan_introduced: the new cards introduced from the plan's making to today's start; a plan made today
    (after midnight) has none, whatever was introduced before it was made."""
    store = Store.open(quiz_home)
    bank = bank_of(*(f"n{k}" for k in range(6)))
    _new_card_plan(store, T0, 3)  # made today; its first day (yesterday) has 3 new cards in the forecast
    assert Session.start(bank, store, clock=at(T0 + 3600)).cap == 100  # 3 behind (none counted): up to the cap
    _new_card_plan(store, T0, 2)
    record_today(store, "n0", T0 - 3600, 50.0, 50)  # introduced today, before the plan was made
    assert Session.start(bank, store, clock=at(T0 + 3600)).cap == 10  # 2 behind: the day's band


def test_new_cards_introduced_today_do_not_make_up_for_the_past_days(quiz_home):
    store = Store.open(quiz_home)
    bank = bank_of(*(f"n{k}" for k in range(8)))
    save_plan(store, [0.0] + [10.0] * 19, new=[5])
    for k in range(2):  # 2 of day 0's 5 new cards
        record_today(store, f"n{k}", T0 + k, 50.0, 50)
    record_today(store, "n2", T0 + DAY + 10, 50.0, 50)  # one on day 1 (today)
    s = Session.start(bank, store, clock=at(T0 + DAY + 20))
    assert s.cap == 100  # day 0 is 3 behind its forecast: up to the cap (today's new card does not count)


def test_the_last_weeks_fill_counts_todays_answers_new_cards_and_final_reviews(quiz_home):
    """room = least - done - due - final reviews - new cards; cards answered today (another session) are neither
    early nor final fill; the final-review fill takes only what the early reviews left of the room."""
    store = Store.open(quiz_home)
    midnight = datetime(2027, 3, 1).timestamp()
    record_today(store, "s1", midnight, 5.0, 1.5)  # answered today at 00:00: early-eligible, but seen today
    record_today(store, "s2", T0 - 1800, 30.0, 10)  # answered today: a final-fill candidate, but seen today
    put(store, "d1", REVIEW, 5.0, 6, -1)  # due
    put(store, "e1", REVIEW, 10.0, 9, 1)  # an early review
    put(store, "g1", REVIEW, 1.0, 1, 5)  # due after the last study day, recall at the interview < 0.9: final review
    for qid, s in (("f1", 50.0), ("f2", 100.0), ("f3", 200.0)):
        put(store, qid, REVIEW, s, 1, 10)  # due after the last study day, recall at the interview > 0.9
    bank = bank_of("s1", "s2", "d1", "e1", "g1", "f1", "f2", "f3", "n1")
    save_plan(store, [7.0, 10.0, 10.0], new=[1])  # the last week
    assert plan.load_band(100, 7.0) == (7, 7)
    queue = build_queue(bank, store, T0)
    # room = 7 - 2 done - 1 due - 1 final - 1 new = 2: e1, then the weakest at the interview of f1..f3 (not s2)
    assert [(i.question.id, i.is_new, i.early, i.fill) for i in queue] == [
        ("d1", False, False, False), ("g1", False, True, False), ("n1", True, False, False),
        ("e1", False, True, True), ("f1", False, True, True)]
    s = Session.start(bank, store, clock=at(T0))
    assert (s.before, s.least, [i.question.id for i in s.queue]) == (2, 7, ["d1", "g1", "n1", "e1", "f1"])


def test_the_progress_line_counts_left_out_due_cards_only_up_to_the_days_most(quiz_home):
    store = Store.open(quiz_home)
    for k in range(14):  # urgency (day end - last) / S falls with k
        store.record(f"u{k}", 3, now=T0 - 40 * DAY, content_hash="old" if k == 13 else None,
                     schedule=lambda _b, k=k: {"state": REVIEW, "step": None, "stability": 2.0 + k, "difficulty": 5.0,
                                               "due": T0 - DAY, "last_review": T0 - 9 * DAY})  # fmt: skip
    record_today(store, "b1", T0 - 3600, 50.0, 50)  # one answer before the session
    bank = bank_of(*(f"u{k}" for k in range(14)), "b1", "n1")
    save_plan(store, [11.0] + [20.0] * 19, new=[1])
    assert plan.load_band(100, 11.0) == (12, 11)
    s = Session.start(bank, store, clock=at(T0))
    # most 12: room for int((12 - 1 - 2.2) / 1.1) = 8 due cards beside the new one; 6 left out (fill)
    assert [(i.question.id, i.is_new, i.fill, i.changed) for i in s.queue][7:] == [
        ("u7", False, False, False), ("n1", True, False, False), ("u8", False, True, False),
        ("u9", False, True, False), ("u10", False, True, False), ("u11", False, True, False),
        ("u12", False, True, False), ("u13", False, True, True)]  # fmt: skip
    assert (s.before, s.cap, s.least) == (1, 12, 11)
    assert s.counts() == (0, 10, 1)  # 8 due + 2 left out (12 - 1 before - 8 - 1 new), the new card
    s.current()
    s.answer(3)
    assert s.counts() == (1, 9, 1)  # one left out fewer: 12 - 1 - 1 done - 7 - 1 = 2 still


def test_the_progress_line_counts_no_early_review_once_the_day_reaches_its_least(quiz_home):
    store = Store.open(quiz_home)
    for k in range(10):
        put(store, f"d{k}", REVIEW, 5.0 + k, 6 + k, -1)
    put(store, "e2", REVIEW, 21.0, 19, 2)
    bank = bank_of(*(f"d{k}" for k in range(10)), "e2")
    save_plan(store, [11.0] + [20.0] * 19)
    s = Session.start(bank, store, clock=at(T0))
    assert (s.cap, s.least, s.counts()) == (12, 11, (0, 11, 0))
    ratings = {"d0": 1}
    while s.done < 11:  # d0 forgotten: its relearning step is the day's 11th answer
        s.answer(ratings.pop(s.current().question.id, 3))
    assert [i.question.id for i in s.queue] == ["e2"] and s.counts() == (11, 0, 0)  # e2 waits: the least is reached
    assert s.current() is None


def test_final_reviews_raise_the_days_most_only_up_to_the_cap(quiz_home):
    """fit_most: 10 final reviews cost 10 * 1.1 = 11 expected answers, above the day's band (5) and the cap (10)."""
    store = Store.open(quiz_home)
    for k in range(12):  # due after the last study day; recall at the interview well below 0.9
        put(store, f"g{k:02d}", REVIEW, 1.0 + k / 100, 1, 5)
    bank = bank_of(*(f"g{k:02d}" for k in range(12)))
    save_plan(store, [5.0], cap=10)  # one study day: the interview is tomorrow
    assert plan.budget(10, 0, 0, 0, 0.8, 0.9) == (0, 10, 0)
    s = Session.start(bank, store, clock=at(T0))
    assert [i.question.id for i in s.queue] == [f"g{k:02d}" for k in range(10)]  # the weakest ten (lowest stability)
    assert all(i.early and not i.fill for i in s.queue) and (s.cap, s.least) == (10, 5)
