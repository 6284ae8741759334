"""`quiz optimize` fits FSRS to the user's own log, through the real fsrs optimizer."""

import json
import random
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

from quiz import scheduler
from quiz.cli import cli
from quiz.optimize import mature_reviews
from quiz.session import Limits
from quiz.store import Store


def simulate(store: Store, cards: int, reviews_each: int, seed: int = 0) -> None:
    """A student who forgets faster than FSRS's defaults assume: recall probability R**2, not R."""
    rng = random.Random(seed)
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for c in range(cards):
        state, now = None, t0 + timedelta(hours=rng.random() * 24)
        for _ in range(reviews_each):
            recall = scheduler.retrievability(state, now) ** 2 if state else 1.0
            rating = 3 if rng.random() < recall else 1
            store.record(f"sim.card-{c}", rating, now=now.timestamp(), duration_ms=4000,
                         schedule=lambda s, r=rating, n=now: scheduler.review(s, r, n, fuzz=False))  # fmt: skip
            state = store.card(f"sim.card-{c}")
            now = datetime.fromtimestamp(state["due"], timezone.utc) + timedelta(hours=rng.random() * 12)


def test_too_few_reviews_keeps_the_defaults(quiz_home):
    simulate(Store.open(quiz_home), cards=5, reviews_each=4)
    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 0 and "needs at least 512" in result.output
    assert Limits.from_store(Store.open(quiz_home)).parameters is None


def test_fitted_parameters_are_saved_and_change_the_schedule(quiz_home):
    store = Store.open(quiz_home)
    simulate(store, cards=150, reviews_each=8)
    assert mature_reviews(store.scheduled_reviews()) >= 512

    dry = CliRunner().invoke(cli, ["optimize", "--dry-run"])
    assert dry.exit_code == 0 and "Dry run" in dry.output and Limits.from_store(store).parameters is None

    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 0 and "Saved parameters" in result.output, result.output
    fitted = Limits.from_store(store).parameters
    assert fitted is not None and len(fitted) == 21
    assert json.loads(store.setting("fsrs_parameters")) == list(fitted)

    # the fitted model schedules differently: a new card answered Good starts with another stability
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    default_s = scheduler.review(None, 3, now, fuzz=False)["stability"]
    fitted_s = scheduler.review(None, 3, now, fuzz=False, parameters=fitted)["stability"]
    assert fitted_s != default_s

    assert CliRunner().invoke(cli, ["optimize", "--reset"]).exit_code == 0
    assert Limits.from_store(store).parameters is None


def test_missing_optimizer_extra_is_one_actionable_line(quiz_home, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "fsrs.optimizer", None)  # as if pandas/torch were not installed
    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the FSRS optimizer is not installed")
    assert "'.[optimizer]'" in result.output and "Traceback" not in result.output
