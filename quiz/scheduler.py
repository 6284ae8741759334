"""The thin seam over the `fsrs` package: rating -> next state. Pure functions of (state, rating, time).

A card's state is a plain dict of the columns we store (state, step, stability,
difficulty, due, last_review as unix seconds), so the store never sees fsrs objects.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
DEFAULT_RETENTION = 0.9


Parameters = tuple[float, ...] | None  # FSRS weights; None means the library's defaults


@lru_cache(maxsize=8)
def _scheduler(parameters: Parameters = None, retention: float = DEFAULT_RETENTION, fuzz: bool = False):
    """An fsrs scheduler, unfuzzed unless asked: only a real answer is fuzzed."""
    import fsrs  # lazy: only answering a card needs it

    if parameters is None:
        return fsrs.Scheduler(desired_retention=retention, enable_fuzzing=fuzz)
    return fsrs.Scheduler(parameters=parameters, desired_retention=retention, enable_fuzzing=fuzz)


def _to_card(state: dict | None):
    """Our stored state as an fsrs card. `card_id=0`: fsrs would otherwise make an id from the wall clock (and
    sleep 1 ms) for a card we never identify. No `due`: fsrs computes the next state and the retrievability from
    `last_review`, `stability` and the review time, never from the old due."""
    import fsrs

    if state is None:  # never reviewed: fsrs starts it in Learning, step 0, with no memory state
        return fsrs.Card(card_id=0)
    last = state["last_review"]  # None only in a row not written by review() (fsrs then treats it as unknown)
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(state["state"]),
        step=state["step"],
        stability=state["stability"],
        difficulty=state["difficulty"],
        last_review=None if last is None else datetime.fromtimestamp(last, timezone.utc),
    )


def _next(state: dict | None, rating: int, now: datetime, fsrs_scheduler) -> dict:
    import fsrs

    card, _log = fsrs_scheduler.review_card(_to_card(state), fsrs.Rating(rating), now)
    return {  # fsrs sets last_review to the review time
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due.timestamp(),
        "last_review": card.last_review.timestamp(),
    }


def review(state: dict | None, rating: int, now: datetime, retention: float = DEFAULT_RETENTION,
           fuzz: bool = True, parameters: Parameters = None) -> dict:  # fmt: skip
    """The state after answering with `rating` (1 Again .. 4 Easy) at `now` (aware, UTC)."""
    return _next(state, rating, now, _scheduler(parameters, retention, fuzz))


def preview(state: dict | None, now: datetime, retention: float = DEFAULT_RETENTION,
            parameters: Parameters = None) -> dict[int, timedelta]:  # fmt: skip
    """The interval each of the four ratings would give, as Anki shows on its buttons (unfuzzed)."""
    plain = _scheduler(parameters, retention)
    return {r: datetime.fromtimestamp(_next(state, r, now, plain)["due"], timezone.utc) - now for r in RATINGS}


def retrievability(state: dict, now: datetime, retention: float = DEFAULT_RETENTION,
                   parameters: Parameters = None) -> float:  # fmt: skip
    """Probability of recall now (FSRS forgetting curve). The curve depends on the weights only: `retention` is
    accepted (callers pass their limits along) but not used."""
    return _scheduler(parameters).get_card_retrievability(_to_card(state), now)


def format_interval(delta: timedelta) -> str:
    """Short, Anki-like: 45s, 10m, 3h, 4d, 2.5mo, 1.2y."""
    s = max(delta.total_seconds(), 0)
    if s < 60:
        return f"{s:.0f}s"
    if s < 3600:
        return f"{s / 60:.0f}m"
    if s < 86400:
        return f"{s / 3600:.0f}h"
    days = s / 86400
    if days < 30:
        return f"{days:.0f}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def utcnow() -> datetime:
    from .clock import utcnow as now

    return now()
