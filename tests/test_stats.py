from datetime import date, datetime, timedelta, timezone

import pytest

from quiz import scheduler
from quiz.bank import Bank, Question, Text
from quiz.stats import LEECH_LAPSES, compute, forecast, streak


def q(qid: str) -> Question:
    return Question(qid, qid.split(".")[0], "flashcard", 1, Text(qid, qid), Text("a", "a"))


def test_streak_counts_back_from_today_or_yesterday():
    today = date(2026, 3, 10)
    days = {"2026-03-10", "2026-03-09", "2026-03-08", "2026-03-06"}
    assert streak(days, today) == 3
    assert streak(days - {"2026-03-10"}, today) == 2  # today not studied yet: the streak is not broken
    assert streak(set(), today) == 0


def test_forecast_puts_overdue_cards_today():
    now = datetime(2026, 3, 10, 12).timestamp()
    dues = [now - 5 * 86400, now + 3600, now + 86400, now + 10 * 86400]
    assert [n for _, n in forecast(dues, now, 3)] == [2, 1, 0]


def answer(store, qid, rating, when):
    store.record(qid, rating, now=when.timestamp(), schedule=lambda s: scheduler.review(s, rating, when, fuzz=False),
                 correct=rating > 1)  # fmt: skip


def test_lapses_retention_and_leeches(store):
    bank = Bank((q("a.good"), q("a.leech"), q("b.new")))
    t = datetime.now(timezone.utc) - timedelta(days=25)
    answer(store, "a.good", 4, t)  # Easy: straight to Review state
    answer(store, "a.good", 3, t + timedelta(days=10))  # a passed review of a mature card
    answer(store, "a.leech", 4, t)
    for i in range(LEECH_LAPSES):  # forget it in Review state, relearn, repeat
        when = t + timedelta(days=1 + 2 * i, hours=1)
        answer(store, "a.leech", 1, when)
        answer(store, "a.leech", 4, when + timedelta(minutes=15))
    s = compute(bank, store)
    a = next(t for t in s.topics if t.topic == "a")
    assert a.lapses == LEECH_LAPSES and a.seen == 2
    assert s.leeches == [("a.leech", LEECH_LAPSES)]
    # mature-card reviews in the window: a.good's second review passed, each leech lapse failed
    assert s.retention_reviews == 1 + LEECH_LAPSES
    assert s.retention == pytest.approx(1 / (1 + LEECH_LAPSES), abs=1e-3)
    assert next(t for t in s.topics if t.topic == "b").seen == 0
