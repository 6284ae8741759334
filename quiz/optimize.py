"""Fit the FSRS parameters to this user's own review history (fsrs' optimizer, as Anki does).

Needs the `fsrs[optimizer]` extra (torch, pandas). The optimizer only learns from reviews of cards
in Review state on a later day than the previous review; below its minibatch size (512 such
reviews) it returns the defaults, so we say so instead of pretending to have fitted anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import QuizError
from .store import Store

MIN_MATURE_REVIEWS = 512  # fsrs.optimizer's mini_batch_size: below it the optimizer returns the defaults


class OptimizerMissing(QuizError):
    pass


@dataclass(frozen=True)
class Fit:
    reviews: int  # all scheduled reviews given to the optimizer
    mature: int  # the ones it learns from
    parameters: tuple[float, ...] | None  # None: not enough data, defaults kept
    defaults: tuple[float, ...]


def mature_reviews(rows: list) -> int:
    """Reviews that come on a later (UTC) day than the card's previous review, after its first."""
    last: dict[str, str] = {}
    n = 0
    for r in rows:
        day = datetime.fromtimestamp(r["reviewed_at"], timezone.utc).date().isoformat()
        if r["question_id"] in last and last[r["question_id"]] != day:
            n += 1
        last[r["question_id"]] = day
    return n


def review_logs(rows: list) -> list:
    import fsrs

    ids: dict[str, int] = {}
    return [
        fsrs.ReviewLog(
            card_id=ids.setdefault(r["question_id"], len(ids) + 1),
            rating=fsrs.Rating(r["rating"]),
            review_datetime=datetime.fromtimestamp(r["reviewed_at"], timezone.utc),
            review_duration=r["duration_ms"],
        )
        for r in rows
    ]


def fit(store: Store) -> Fit:
    try:
        import fsrs
        from fsrs.optimizer import Optimizer  # noqa: F401  (pandas is only imported here)
        from fsrs.scheduler import DEFAULT_PARAMETERS
    except ImportError as exc:
        raise OptimizerMissing(f"the FSRS optimizer is not installed ({exc.name} missing); "
                               "install it with: pip install -c constraints.txt -e '.[optimizer]'") from None  # fmt: skip
    rows = store.scheduled_reviews()
    mature = mature_reviews(rows)
    if mature < MIN_MATURE_REVIEWS:
        return Fit(len(rows), mature, None, tuple(DEFAULT_PARAMETERS))
    params = fsrs.Optimizer(review_logs(rows)).compute_optimal_parameters()
    return Fit(len(rows), mature, tuple(float(p) for p in params), tuple(DEFAULT_PARAMETERS))
