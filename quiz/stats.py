"""Progress numbers, computed from the store: per topic, a due forecast, true retention, leeches, streak.

Pure apart from reading the store; no rich. The CLI renders the result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from . import clock
from .bank import Bank
from .store import Store

LEECH_LAPSES = 8  # Anki's default: a card forgotten this often needs rewriting, not more drilling


@dataclass(frozen=True)
class TopicStats:
    topic: str
    questions: int
    seen: int
    due: int
    reviews: int
    lapses: int
    accuracy: float | None  # share of auto-graded answers that were right


@dataclass(frozen=True)
class Stats:
    topics: list[TopicStats]
    forecast: list[tuple[str, int]]  # (local date, cards due that day); the first entry includes overdue cards
    retention: float | None  # last 30 days, reviews of cards in Review state rated Hard or better
    retention_reviews: int
    leeches: list[tuple[str, int]]  # (question id, lapses)
    streak_days: int
    total_reviews: int = 0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def streak(days: set[str], today: date) -> int:
    """Consecutive days with reviews, ending today (or yesterday, if today has none yet)."""
    day = today if today.isoformat() in days else today - timedelta(days=1)
    n = 0
    while day.isoformat() in days:
        n += 1
        day -= timedelta(days=1)
    return n


def forecast(due_times: list[float], now: float, days: int) -> list[tuple[str, int]]:
    today = datetime.fromtimestamp(now).date()
    counts = {today + timedelta(days=i): 0 for i in range(days)}
    for t in due_times:
        d = max(datetime.fromtimestamp(t).date(), today)  # overdue cards count today
        if d in counts:
            counts[d] += 1
    return [(d.isoformat(), n) for d, n in counts.items()]


def compute(bank: Bank, store: Store, now: float | None = None, days: int = 7) -> Stats:
    now = clock.timestamp() if now is None else now
    totals = {r["question_id"]: r for r in store.review_totals()}
    seen = store.known_ids()
    due = {c.question_id for c in store.due_cards(now)}
    topics = []
    for topic in bank.topics:
        ids = [q.id for q in bank.questions if q.topic == topic]
        rows = [totals[i] for i in ids if i in totals]
        graded = sum(r["graded"] for r in rows)
        topics.append(TopicStats(
            topic, len(ids), len(set(ids) & seen), len(set(ids) & due), sum(r["reviews"] for r in rows),
            sum(r["lapses"] or 0 for r in rows), round(sum(r["correct"] for r in rows) / graded, 3) if graded else None,
        ))  # fmt: skip
    passed, total = store.recall_since(now - 30 * 86400)
    leeches = sorted(((q, r["lapses"]) for q, r in totals.items() if (r["lapses"] or 0) >= LEECH_LAPSES and q in bank.by_id),
                     key=lambda x: -x[1])  # fmt: skip
    return Stats(
        topics=topics,
        forecast=forecast(store.due_times(), now, days),
        retention=round(passed / total, 3) if total else None,
        retention_reviews=total,
        leeches=leeches,
        streak_days=streak(store.review_days(now - 400 * 86400), datetime.fromtimestamp(now).date()),
        total_reviews=sum(r["reviews"] for r in totals.values()),
    )
