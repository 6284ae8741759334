"""A synthetic learner studies to an interview date through the real session code and the real store.

Each simulated day the learner opens `quiz study` at 08:00 local time (session.Session.start, which calls
build_queue, on a real SQLite store, with QUIZ_NOW set for quiz.clock) and answers every card in the queue: a card
it has seen is recalled with the probability the FSRS-6 forgetting curve gives (default parameters),
answered Good if recalled and Again if not; a new card is answered Good at first sight with probability
LEARNER_FIRST_GOOD. fsrs' interval fuzz is on, as in real study, seeded.

Policies compared (all with the same learner and seed):
  plain    plain FSRS, 20 new cards a day (the default), no review cap
  even     plain FSRS, new cards spread evenly to the date (ceil(cards / days) a day)
  maxivl   plain FSRS, 20 new a day, every interval cut to the days left (due no later than the interview)
  plan     `quiz plan` made on day one with the cap set to plain FSRS's peak for the same seed (or --cap)

The plan's day-one forecast of answers per day is compared with what the learner then did, day by day.

Usage: python benchmarks/plan_simulation.py [--cards 300] [--days 30] [--seeds 0 1 2] [--cap N] [--json]
       python benchmarks/plan_simulation.py --speed 10000   (plan computation time for 10,000 cards)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quiz import plan as plan_mod  # noqa: E402
from quiz import scheduler  # noqa: E402
from quiz.bank import Bank, Question, Text  # noqa: E402
from quiz.cli_plan import compute  # noqa: E402
from quiz.session import Limits, Session  # noqa: E402
from quiz.store import Store  # noqa: E402

LEARNER_FIRST_GOOD = 0.8
STUDY_HOUR = 8
START = date(2027, 3, 1)
UNCAPPED = 10**6


def make_bank(cards: int, topics: int = 6) -> Bank:
    qs = [Question(id=f"t{i % topics}.q{i:05d}", topic=f"t{i % topics}", type="flashcard", difficulty=1,
                   prompt=Text(f"q{i}", f"q{i}"), answer=Text("a", "a")) for i in range(cards)]  # fmt: skip
    return Bank(tuple(sorted(qs, key=lambda q: q.id)))


def at(d: date, hour: int = STUDY_HOUR) -> datetime:
    return datetime.fromtimestamp(time.mktime((d.year, d.month, d.day, hour, 0, 0, 0, 0, -1)), timezone.utc)


@contextmanager
def max_interval_to(interview: datetime):
    """The naive plan: every interval cut to the days left, so no card is due after the last study day."""
    real = scheduler.review

    def clamped(state, rating, now, *args, **kwargs):
        out = real(state, rating, now, *args, **kwargs)
        limit = at(interview.astimezone().date() - timedelta(days=1)).timestamp()  # the last study day
        if out["state"] == 2 and out["due"] > limit:
            out["due"] = max(limit, now.timestamp() + 86400)
        return out

    scheduler.review = clamped
    try:
        yield
    finally:
        scheduler.review = real


@dataclass
class Run:
    policy: str
    seed: int
    per_day: list[int]
    recall: dict[str, float]
    forecast: list[float] = field(default_factory=list)
    cap: int | None = None
    plan_json: str = ""

    @property
    def total(self) -> int:
        return sum(self.per_day)

    @property
    def peak(self) -> int:
        return max(self.per_day)

    def share_at(self, target: float = 0.9) -> float:
        return sum(r >= target for r in self.recall.values()) / len(self.recall)

    def cumulative_errors(self) -> list[float]:
        """Per day |forecast reviews so far - reviews done so far| / reviews done so far."""
        out, f, d = [], 0.0, 0
        for fi, di in zip(self.forecast, self.per_day, strict=True):
            f, d = f + fi, d + di
            out.append(abs(f - d) / d if d else 0.0)
        return out

    def forecast_errors(self) -> list[float]:
        """Per day |forecast - done| / done (days with reviews)."""
        return [abs(f - d) / d for f, d in zip(self.forecast, self.per_day, strict=True) if d]


@contextmanager
def quiz_now(when: datetime):
    """Set quiz.clock's QUIZ_NOW (what every command reads as now) for the duration."""
    old = os.environ.get("QUIZ_NOW")
    os.environ["QUIZ_NOW"] = str(when.timestamp())
    try:
        yield
    finally:
        if old is None:
            del os.environ["QUIZ_NOW"]
        else:
            os.environ["QUIZ_NOW"] = old


def learn_day(bank: Bank, store: Store, when: datetime, rng: random.Random, limits: Limits | None) -> int:
    """One study session at `when` (the learner answers instantly, so the clock stays there), every card in
    the queue answered; returns the number of answers."""
    with quiz_now(when):
        s = Session.start(bank, store, limits=limits or Limits.from_store(store))  # clock: quiz.clock
        n = 0
        while (item := s.current()) is not None:
            state = store.card(item.question.id)
            p = LEARNER_FIRST_GOOD if state is None else scheduler.retrievability(state, when)
            s.answer(3 if rng.random() < p else 1, duration_ms=8000)
            n += 1
    return n


def simulate(policy: str, cards: int, days: int, seed: int, *, cap: int | None = None, home: Path | None = None,
             bank: Bank | None = None, start: date = START) -> Run:  # fmt: skip
    bank = bank or make_bank(cards)
    interview_date = start + timedelta(days=days)
    interview = datetime.fromtimestamp(plan_mod.interview_time(interview_date), timezone.utc)
    rng = random.Random(seed)
    random.seed(seed)  # fsrs' fuzz draws from the global generator
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(home or Path(tmp))
        limits = Limits(new_per_day=20, reviews_per_day=UNCAPPED)
        run = Run(policy, seed, [], {})
        if policy == "even":
            limits = Limits(new_per_day=math.ceil(len(bank.questions) / days), reviews_per_day=UNCAPPED)
        if policy == "plan":
            now = at(start).timestamp()
            p = compute(bank, store, interview_date, now, cap=cap, limits=Limits())
            store.save_plan(p.to_dict(), now)
            run.forecast, run.cap, run.plan_json, limits = [d.reviews for d in p.days], cap, p.to_json(), None
        ctx = max_interval_to(interview) if policy == "maxivl" else _nothing()
        with ctx:
            for i in range(days):
                run.per_day.append(learn_day(bank, store, at(start + timedelta(days=i)), rng, limits))
        states = store.card_states()
        run.recall = {q.id: (scheduler.retrievability(states[q.id], interview) if q.id in states else 0.0)
                      for q in bank.questions}  # fmt: skip
        store.close()
    return run


@contextmanager
def _nothing():
    yield


def reference(cards: int, days: int, seeds: list[int], cap: int | None = None) -> dict[str, list[Run]]:
    runs: dict[str, list[Run]] = {p: [] for p in ("plain", "even", "maxivl", "plan")}
    for seed in seeds:
        plain = simulate("plain", cards, days, seed)
        runs["plain"].append(plain)
        runs["even"].append(simulate("even", cards, days, seed))
        runs["maxivl"].append(simulate("maxivl", cards, days, seed))
        runs["plan"].append(simulate("plan", cards, days, seed, cap=cap or plain.peak))
    return runs


def table(runs: dict[str, list[Run]]) -> list[dict]:
    plain_total = statistics.mean(r.total for r in runs["plain"])
    plain_peak = statistics.mean(r.peak for r in runs["plain"])
    rows = []
    for policy, rs in runs.items():
        row = {
            "policy": policy,
            "share_at_0.90": round(statistics.mean(r.share_at() for r in rs), 4),
            "below_0.90": round(statistics.mean(sum(v < 0.9 for v in r.recall.values()) for r in rs), 1),
            "min_recall": round(statistics.mean(min(r.recall.values()) for r in rs), 3),
            "total": round(statistics.mean(r.total for r in rs), 1),
            "total_vs_plain": round(statistics.mean(r.total for r in rs) / plain_total, 3),
            "peak": round(statistics.mean(r.peak for r in rs), 1),
            "peak_vs_plain": round(statistics.mean(r.peak for r in rs) / plain_peak, 3),
        }
        if policy == "plan":
            errs = [e for r in rs for e in r.forecast_errors()]
            row["cap"] = [r.cap for r in rs]
            row["peak_le_cap"] = all(r.peak <= r.cap for r in rs)
            row["forecast_days_within_10pct"] = round(sum(e <= 0.10 for e in errs) / len(errs), 3)
            row["forecast_max_error"] = round(max(errs), 3)
            row["forecast_total_error"] = round(max(abs(sum(r.forecast) - r.total) / r.total for r in rs), 4)
            row["forecast_cumulative_max_error"] = round(max(e for r in rs for e in r.cumulative_errors()), 3)
            mean_f = [statistics.mean(x) for x in zip(*(r.forecast for r in rs), strict=True)]
            mean_d = [statistics.mean(x) for x in zip(*(r.per_day for r in rs), strict=True)]
            errs_mean = [abs(f - d) / d for f, d in zip(mean_f, mean_d, strict=True)]
            row["forecast_vs_seed_mean_within_10pct"] = round(sum(e <= 0.10 for e in errs_mean) / len(errs_mean), 3)
            row["forecast_vs_seed_mean_max_error"] = round(max(errs_mean), 3)
            row["seeds"] = [{"seed": r.seed, "cap": r.cap, "total": r.total, "peak": r.peak,
                             "below_0.90": sum(v < 0.9 for v in r.recall.values()),
                             "days_within_10pct": sum(e <= 0.10 for e in r.forecast_errors()),
                             "days": len(r.forecast_errors()), "max_error": round(max(r.forecast_errors()), 3)}
                            for r in rs]  # fmt: skip
        rows.append(row)
    return rows


def speed(cards: int) -> dict:
    """Plan computation time for `cards` cards over 30 days: half of them with review history, uncapped;
    all new, uncapped; all new with a cap of 200 a day (infeasible: the search for the cap that would do)."""
    rng = random.Random(0)
    bank = make_bank(cards)
    now = at(START).timestamp()
    states = {}
    for q in bank.questions[: cards // 2]:
        last = now - rng.randrange(1, 40) * 86400
        s = rng.uniform(1, 60)
        states[q.id] = {"state": 2, "step": None, "stability": s, "difficulty": rng.uniform(2, 9),
                        "due": last + round(s) * 86400, "last_review": last}  # fmt: skip
    questions = [(q.id, q.topic) for q in bank.questions]
    out = {"cards": cards}
    for name, st, cap in (("half_known", states, None), ("all_new", {}, None), ("all_new_cap_200", {}, 200)):
        times, cpu = [], []
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            p = plan_mod.make_plan(st, questions, [], START + timedelta(days=30), now, cap=cap)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[name] = {"seconds_min": round(min(times), 3), "seconds_max": round(max(times), 3),
                     "cpu_seconds_min": round(min(cpu), 3), "peak": p.peak, "meets": p.meets,
                     "needed_per_day": p.needed_per_day}  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=300)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--cap", type=int, help="the plan's cap on answers per day (default: plain FSRS's peak, per seed)")
    ap.add_argument("--speed", type=int, metavar="CARDS", help="only time the plan computation for CARDS cards")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.speed:
        print(json.dumps(speed(a.speed)))
        return
    t0 = time.perf_counter()
    rows = table(reference(a.cards, a.days, a.seeds, a.cap))
    if a.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{a.cards} cards, {a.days} days, seeds {a.seeds}; means over seeds ({time.perf_counter() - t0:.0f} s)")
    cols = ["policy", "share_at_0.90", "below_0.90", "min_recall", "total", "total_vs_plain", "peak", "peak_vs_plain"]
    print("  ".join(f"{c:>14}" for c in cols))
    for row in rows:
        print("  ".join(f"{row[c]!s:>14}" for c in cols))
    plan = rows[-1]
    print(f"plan: caps {plan['cap']}, peak <= cap on every seed: {plan['peak_le_cap']}; forecast per day within 10%: "
          f"{plan['forecast_days_within_10pct']:.0%} of days (max error {plan['forecast_max_error']:.0%}); "
          f"against the mean over seeds {plan['forecast_vs_seed_mean_within_10pct']:.0%} of days "
          f"(max error {plan['forecast_vs_seed_mean_max_error']:.0%}); "
          f"reviews so far within {plan['forecast_cumulative_max_error']:.1%} every day; "
          f"total forecast error {plan['forecast_total_error']:.1%}")
    for r in plan["seeds"]:
        print(f"  seed {r['seed']}: cap {r['cap']}, total {r['total']}, peak {r['peak']}, {r['below_0.90']} cards below "
              f"0.90; forecast within 10% on {r['days_within_10pct']} of {r['days']} days, max error {r['max_error']:.1%}")


if __name__ == "__main__":
    main()
