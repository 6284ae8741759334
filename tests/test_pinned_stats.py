"""Pinned stats: every number of `quiz stats` on a synthetic review log whose answers are worked out by hand."""

import time
from datetime import date

from quiz import stats as stats_mod
from quiz.bank import Bank, Question, Text

DAY = 86400
NOW = time.mktime((2026, 3, 10, 12, 0, 0, 0, 0, -1))  # local noon, so day arithmetic is unambiguous


def q(qid: str) -> Question:
    return Question(qid, qid.split(".")[0], "flashcard", 1, Text(qid, qid), Text("a", "a"))


def forced(state: int, due: float, stability: float = 10.0):
    """A schedule that puts the card exactly where the test wants it (the log, not fsrs, is under test)."""
    return lambda _before: {"state": state, "step": None if state == 2 else 0, "stability": stability,
                            "difficulty": 5.0, "due": due, "last_review": None}  # fmt: skip


def test_stats_on_a_synthetic_log(store):
    bank = Bank((q("a.one"), q("a.two"), q("a.never"), q("b.one"), q("c.never")))
    r = store.record
    # a.one: learned 20 days ago (first review: not a retention review), then four reviews in Review state:
    # Hard (a pass), Good, Again (a lapse, a failure), Easy  -> 3 of 4 passed
    r("a.one", 3, now=NOW - 20 * DAY, schedule=forced(2, NOW - 19 * DAY), correct=True)
    r("a.one", 2, now=NOW - 15 * DAY, schedule=forced(2, NOW - 14 * DAY), correct=True)
    r("a.one", 3, now=NOW - 10 * DAY, schedule=forced(2, NOW - 9 * DAY), correct=False)
    r("a.one", 1, now=NOW - 5 * DAY, schedule=forced(2, NOW - 4 * DAY), correct=False)
    r("a.one", 4, now=NOW - 1 * DAY, schedule=forced(2, NOW + 2 * DAY))  # self-rated: not graded
    # a.two: in Learning (state 1): its Again is neither a lapse nor a retention review
    r("a.two", 1, now=NOW - 2 * DAY, schedule=forced(1, NOW - DAY))
    r("a.two", 1, now=NOW - 2 * DAY + 60, schedule=forced(1, NOW - DAY), correct=True)
    # an old review in Review state, 40 days ago: outside the 30-day retention window, still a review/lapse
    r("b.one", 3, now=NOW - 45 * DAY, schedule=forced(2, NOW - 41 * DAY))
    r("b.one", 1, now=NOW - 40 * DAY, schedule=forced(2, NOW + 1 * DAY + 60))
    # cram Again of a mature card, and an undone Again: neither counts anywhere but the raw log
    r("a.one", 1, now=NOW - 3600, schedule=None)
    undone = r("b.one", 1, now=NOW - 1800, schedule=forced(3, NOW + 600))
    store.undo(undone)
    # a card of a question no longer in the bank: its reviews never reach a topic
    r("gone.x", 1, now=NOW - 10 * DAY, schedule=forced(2, NOW + 3 * DAY))

    s = stats_mod.compute(bank, store, now=NOW, days=4)
    by = {t.topic: t for t in s.topics}
    # 3 of 5 graded answers right; 7 reviews: main does not count cram answers as reviews (practice)
    assert by["a"] == stats_mod.TopicStats("a", 3, 2, 1, 7, 1, 0.6)
    assert by["b"] == stats_mod.TopicStats("b", 1, 1, 0, 2, 1, None)
    assert by["c"] == stats_mod.TopicStats("c", 1, 0, 0, 0, 0, None)
    # true retention: reviews in the last 30 days of cards in Review state, Hard or better is a pass
    assert (s.retention, s.retention_reviews) == (0.75, 4)
    # forecast from local today: a.two is overdue (today); a.one in 2 days; b.one tomorrow; gone.x in 3 days
    assert [n for _, n in s.forecast] == [1, 1, 1, 1]
    assert s.forecast[0][0] == "2026-03-10" and s.forecast[3][0] == "2026-03-13"
    assert s.total_reviews == 7 + 2 + 1  # main: cram excluded (practice); undone excluded
    assert s.leeches == []
    # days with reviews ending today: today (cram, undone), yesterday; two days ago; then a gap
    assert s.streak_days == 3


def test_leech_threshold_is_exact(store):
    bank = Bank((q("a.seven"), q("a.eight")))
    for qid, lapses in (("a.seven", stats_mod.LEECH_LAPSES - 1), ("a.eight", stats_mod.LEECH_LAPSES)):
        store.record(qid, 4, now=NOW - 100 * DAY, schedule=forced(2, NOW - 99 * DAY))
        for i in range(lapses):
            store.record(qid, 1, now=NOW - 90 * DAY + i * DAY, schedule=forced(2, NOW + DAY))
    s = stats_mod.compute(bank, store, now=NOW)
    assert s.leeches == [("a.eight", 8)]
    assert [t.lapses for t in s.topics] == [15]


def test_retention_window_edge(store):
    bank = Bank((q("a.x"),))
    store.record("a.x", 4, now=NOW - 40 * DAY, schedule=forced(2, NOW))
    store.record("a.x", 1, now=NOW - 30 * DAY, schedule=forced(2, NOW))  # exactly 30 days ago: inside
    store.record("a.x", 2, now=NOW - 30 * DAY - 1, schedule=forced(2, NOW))  # a second earlier: outside
    s = stats_mod.compute(bank, store, now=NOW)
    assert (s.retention, s.retention_reviews) == (0.0, 1)


def test_streak_and_forecast_pure():
    assert stats_mod.streak({"2026-03-09", "2026-03-08"}, date(2026, 3, 10)) == 2
    assert stats_mod.streak({"2026-03-10"}, date(2026, 3, 10)) == 1
    assert stats_mod.streak({"2026-03-08"}, date(2026, 3, 10)) == 0
    f = stats_mod.forecast([NOW - 1, NOW + DAY, NOW + 2 * DAY, NOW + 9 * DAY], NOW, 3)
    assert f == [("2026-03-10", 1), ("2026-03-11", 1), ("2026-03-12", 1)]
    assert stats_mod.forecast([], NOW, 1) == [("2026-03-10", 0)]
    d = stats_mod.Stats([], [], None, 0, [], 0).to_dict()
    assert d["total_reviews"] == 0 and d["extra"] == {} and d["retention"] is None


def test_rounding_and_leech_order(store):
    bank = Bank((q("a.x"), q("a.nine"), q("a.eight")))
    # accuracy 2/3 and true retention 1/3, to three decimals
    store.record("a.x", 4, now=NOW - 20 * DAY, schedule=forced(2, NOW - 19 * DAY), correct=True)
    store.record("a.x", 1, now=NOW - 10 * DAY, schedule=forced(2, NOW - 9 * DAY), correct=True)
    store.record("a.x", 1, now=NOW - 9 * DAY, schedule=forced(2, NOW - 8 * DAY), correct=False)
    store.record("a.x", 3, now=NOW - 8 * DAY, schedule=forced(2, NOW + DAY))
    for qid, lapses in (("a.eight", 8), ("a.nine", 9)):  # the smaller count first: the order must come from sorting
        store.record(qid, 4, now=NOW - 100 * DAY, schedule=forced(2, NOW - 99 * DAY))
        for i in range(lapses):
            store.record(qid, 1, now=NOW - 90 * DAY + i * DAY, schedule=forced(2, NOW + DAY))
    s = stats_mod.compute(bank, store, now=NOW)
    assert s.topics[0].accuracy == 0.667 and (s.retention, s.retention_reviews) == (0.333, 3)
    assert s.leeches == [("a.nine", 9), ("a.eight", 8)]


def test_forecast_covers_a_week_by_default(store):
    s = stats_mod.compute(Bank((q("a.x"),)), store, now=NOW)
    assert [d for d, _ in s.forecast] == [f"2026-03-{day}" for day in range(10, 17)] and s.total_reviews == 0
    assert (s.retention, s.retention_reviews, s.leeches, s.streak_days) == (None, 0, [], 0)
