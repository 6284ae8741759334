"""The interview-date plan: a pure function of (card states, review log, questions, date, cap, now).

Spaced repetition aims at long-term memory; an interview asks for recall on one morning. The plan keeps
plain FSRS scheduling and adds four things:

1. New cards are spread evenly up to a cut-off day, the last day on which a new card answered Good every
   time still gets MIN_SPACED_REVIEWS reviews on later days before the interview.
2. In the last FINAL_WINDOW_DAYS study days, every card whose predicted recall at the interview is below
   the target and that FSRS will not show again before it gets one final review, weakest first, spread
   evenly over the window under the daily cap.
3. A card more than OVERDUE_DAYS past its due date is treated as less certain than FSRS says: its
   predicted recall is multiplied by OVERDUE_FACTOR (FSRS is known to overestimate recall for long-overdue
   cards in published calibration data; the factor is our stated, conservative assumption).
4. Each day's forecast is a load the session keeps (load levelling, in the spirit of Anki's load balancer):
   the learner answers at least the day's forecast (a day below it is filled with early reviews of cards due
   within EARLY_DAYS, and in the last week with more final reviews) and at most forecast / (1 - LOAD_BAND)
   (due cards beyond wait for tomorrow, the least urgent last), so the forecast is never more than LOAD_BAND
   off what the learner then did. The last week's forecast keeps FINAL_MARGIN in reserve, as a card left for
   later there may have no later day. A learner who misses a plan day catches up at up to the cap.

The forecast simulates a learner whose recall follows the FSRS forgetting curve (Good when recalled,
Again otherwise) with a fixed seed, so the same inputs always give the same plan, byte for byte: a first
pass gives each day's expected load (its forecast), a second pass follows the rule above with those loads,
for the new cards, final reviews and recall the plan reports. The
FSRS-6 arithmetic is written out here (fuzz off, as fsrs 6.3.2 computes it) so that 10,000 cards plan in
well under a second; tests/test_plan.py checks it against the fsrs package. No rich, torch or numpy.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

DEFAULT_PARAMETERS = (0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
                      0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542)  # fsrs 6.3.2 (FSRS-6)
LEARNING_STEPS = (60.0, 600.0)  # seconds: fsrs' defaults (1m, 10m), which the session uses
RELEARNING_STEPS = (600.0,)
MAXIMUM_INTERVAL = 36500
DAY = 86400.0
LEARNING, REVIEW, RELEARNING = 1, 2, 3
LEARN_AHEAD = 20 * 60  # Anki's learn-ahead limit (the session's too): a step due within 20 minutes comes back the same day

INTERVIEW_HOUR = 9  # the interview is taken to be at 09:00 local time on its date
TARGET_SHARE = 0.99  # the plan "meets the target" when at least this share of cards is at or above it
FINAL_WINDOW_DAYS = 7
EARLY_DAYS = 3  # an under-budget day may take Review cards due within this many days early (load levelling)
LOAD_BAND = 0.09  # each day's answers stay between its forecast and forecast / (1 - LOAD_BAND) (load levelling)
FINAL_MARGIN = 0.1  # the last week's forecast is this much above the expected load: a card left for later
# there may have no later day, so the plan reserves room; the spare answers go to early and final reviews
MISSED_SHARE = 0.5  # a plan day with fewer answers than this share of its forecast was missed: catch up at the cap
NEW_SLACK = 2  # more new cards than this behind the forecast's (a cap that binds, bad luck): catch up at the cap
MIN_SPACED_REVIEWS = 2  # a new card needs this many reviews on later days before the interview
OVERDUE_DAYS = 14
OVERDUE_FACTOR = 0.9
DEFAULT_SECONDS = 15.0  # seconds per answer when the log has no timed answers yet
FIRST_GOOD_DEFAULT = 0.8  # share of new cards answered Good at first sight, when the log has too few
MIN_FIRST_REVIEWS = 30  # first answers needed before the learner's own share replaces the default
SEED = 13
MIN_SAMPLES = 3000  # small banks are simulated several times (averaged) so the forecast is not one coin toss
MAX_REPLICAS = 8
MAX_DAYS = 366


class PlanError(ValueError):
    pass


# --- FSRS-6, fuzz off ---------------------------------------------------------------------------


class Model:
    """FSRS-6 as fsrs 6.3.2 computes it with fuzzing off. A card is a list [state, step, S, D, due, last].

    The per-rating constants are computed once (same arithmetic as fsrs, so the same floats): the forecast
    reviews hundreds of thousands of cards."""

    def __init__(self, parameters: tuple[float, ...] | None = None, retention: float = 0.9):
        self.w = w = tuple(parameters or DEFAULT_PARAMETERS)
        self.retention = retention
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self._ivl = (retention ** (1 / self.decay) - 1) / self.factor
        self._d0s = (None, *(w[4] - math.exp(w[5] * (r - 1)) + 1 for r in (1, 2, 3, 4)))
        self._mean_d = w[7] * self._d0s[4]
        self._keep_d = 1 - w[7]
        self._d_step = (None, *(-(w[6] * (r - 3)) for r in (1, 2, 3, 4)))
        self._short_inc = (None, *(math.exp(w[17] * (r - 3 + w[18])) for r in (1, 2, 3, 4)))
        self._forget_cap = math.exp(w[17] * w[18])
        self._grow = math.exp(w[8])
        self._bonus = (None, None, w[15], 1, w[16])

    def recall(self, stability: float, elapsed: float) -> float:
        """Probability of recall `elapsed` seconds after the last review (fsrs counts whole days)."""
        days = math.floor(elapsed / DAY)
        if days < 0:
            days = 0
        return (1 + self.factor * days / stability) ** self.decay

    def interval(self, stability: float) -> int:
        return min(max(round(stability * self._ivl), 1), MAXIMUM_INTERVAL)

    def _d0(self, rating: int) -> float:
        return self._d0s[rating]

    def _next_d(self, d: float, rating: int) -> float:
        d2 = d + (10.0 - d) * self._d_step[rating] / 9.0
        return min(max(self._mean_d + self._keep_d * d2, 1.0), 10.0)

    def _short(self, s: float, rating: int) -> float:
        inc = self._short_inc[rating] * s ** -self.w[19]
        if rating > 1 and inc < 1.0:
            inc = 1.0
        s *= inc
        return s if s > 0.001 else 0.001

    def _long(self, s: float, d: float, r: float, rating: int) -> float:
        w = self.w
        if rating == 1:
            new = min(w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14]), s / self._forget_cap)
        else:
            new = s * (1 + self._grow * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1) * self._bonus[rating])
        return new if new > 0.001 else 0.001

    def review(self, card: list | None, rating: int, now: float) -> list:
        """The card after answering `rating` (1..4) at `now` (unix seconds); `card` None is a new card."""
        if card is None:
            state, step, s, d, last = LEARNING, 0, None, None, None
        else:
            state, step, s, d, _due, last = card
        if s is None or d is None:
            s, d = max(self.w[rating - 1], 0.001), min(max(self._d0s[rating], 1.0), 10.0)
        else:
            if last is not None and math.floor((now - last) / DAY) < 1:
                s = self._short(s, rating)
            else:
                s = self._long(s, d, self.recall(s, now - last), rating)
            d = self._mean_d + self._keep_d * (d + (10.0 - d) * self._d_step[rating] / 9.0)  # _next_d, written out
            d = 1.0 if d < 1.0 else 10.0 if d > 10.0 else d
        if state == REVIEW or (rating > 1 and step >= len(LEARNING_STEPS if state == LEARNING else RELEARNING_STEPS)):
            if state == REVIEW and rating == 1:
                return [RELEARNING, 0, s, d, now + RELEARNING_STEPS[0], now]
            days = round(s * self._ivl)  # interval(), written out
            days = 1 if days < 1 else MAXIMUM_INTERVAL if days > MAXIMUM_INTERVAL else days
            return [REVIEW, None, s, d, now + days * DAY, now]
        steps = LEARNING_STEPS if state == LEARNING else RELEARNING_STEPS
        if rating == 1:
            return [state, 0, s, d, now + steps[0], now]
        if rating == 2:
            wait = steps[0] * 1.5 if step == 0 and len(steps) == 1 else (
                (steps[0] + steps[1]) / 2 if step == 0 else steps[step])
            return [state, step, s, d, now + wait, now]
        if rating == 3 and step + 1 < len(steps):
            return [state, step + 1, s, d, now + steps[step + 1], now]
        return [REVIEW, None, s, d, now + self.interval(s) * DAY, now]


def card_from_state(state: dict | None) -> list | None:
    """The store's card row (scheduler's dict) as a model card."""
    if state is None:
        return None
    return [state["state"], state["step"], state["stability"], state["difficulty"], state["due"], state["last_review"]]


def recall_at(model: Model, card: list | None, when: float) -> float:
    """Predicted recall at `when`, with the long-overdue discount."""
    if card is None or card[2] is None or card[5] is None:
        return 0.0
    r = model.recall(card[2], when - card[5])
    return r * OVERDUE_FACTOR if when - card[4] > OVERDUE_DAYS * DAY else r


# --- the final review --------------------------------------------------------------------------


def final_picks(cards: dict, model: Model, interview: float, last_study_end: float, days_left: int,
                budget: int, target: float, skip: set = frozenset()) -> list:  # fmt: skip
    """Keys of the cards to give a final review today, weakest first.

    Candidates are cards that FSRS will not show again before the interview (due after the end of the
    last study day) and whose predicted recall at the interview is below `target`; today takes an even
    share of them over the `days_left` study days left in the window, at most `budget`."""
    cands = []
    for key, card in cards.items():
        if card is None or card[0] != REVIEW or card[4] <= last_study_end or key in skip:
            continue
        r = recall_at(model, card, interview)
        if r < target:
            cands.append((r, key))
    return _weakest(cands, days_left, budget)


def _weakest(cands: list, days_left: int, budget: int) -> list:
    """final_picks' choice among its (recall at the interview, key) candidates."""
    take = min(math.ceil(len(cands) / max(days_left, 1)), max(budget, 0))
    return [key for _r, key in heapq.nsmallest(take, cands)]


def early_picks(cards, now: float, day_end: float, until: float, n: int, skip: set = frozenset()) -> list:
    """Keys of up to `n` Review cards to review early today, to fill a day below its planned load: due after
    today (`day_end`) and by `until` (a few days on, never after the last study day), lowest recall now first
    (the longest time since the last review relative to stability, the store's order for due cards).
    `cards`: (key, card) pairs."""
    if n <= 0:
        return []
    cands = [(-(now - card[5]) / max(card[2], 1e-9), key) for key, card in cards
             if card is not None and card[0] == REVIEW and day_end < card[4] <= until and key not in skip]  # fmt: skip
    return [key for _r, key in heapq.nsmallest(n, cands)]


def load_band(cap: int | None, forecast: float | None) -> tuple[int | None, int]:
    """Today's answers under an active plan, (at most, at least), from the day's forecast: at least the forecast,
    rounded (a day below it is filled with early reviews), and at most what keeps the forecast within LOAD_BAND
    of what was done (due cards beyond that wait for tomorrow, least urgent last), never above the cap. Inside
    the band FSRS's own schedule decides."""
    if forecast is None:
        return cap, 0
    least = math.floor(forecast + 0.5)  # rounded half up (a day of 5.1 is 5, not 6: 2% off, not 18%)
    most = max(math.floor(round(forecast / (1 - LOAD_BAND), 6)), least)
    return (most if cap is None else min(cap, most)), (least if cap is None else min(cap, least))


def catch_up(forecasts: list[float], done: list[int]) -> int:
    """Answers to add to today's most after missed days: from the first plan day with fewer answers than
    MISSED_SHARE of its forecast (a skipped day), what the days since fell short of their forecasts; 0 when
    none was missed. In the forecast nobody misses a day, so the plan never adds this itself."""
    missed = next((j for j, (f, d) in enumerate(zip(forecasts, done, strict=True)) if d < MISSED_SHARE * f), None)
    if missed is None:
        return 0
    return max(round(sum(forecasts[missed:]) - sum(done[missed:])), 0)


# --- calendar ----------------------------------------------------------------------------------


def midnight(d: date) -> float:
    return time.mktime((d.year, d.month, d.day, 0, 0, 0, 0, 0, -1))


def interview_time(d: date) -> float:
    return time.mktime((d.year, d.month, d.day, INTERVIEW_HOUR, 0, 0, 0, 0, -1))


def study_dates(now: float, interview_date: date) -> list[date]:
    today = datetime.fromtimestamp(now).date()
    return [today + timedelta(days=i) for i in range((interview_date - today).days)]


def new_card_cost(p_first_good: float) -> float:
    """Expected reviews on a new card's first day: two learning steps, one more after a first Again."""
    return 2 + (1 - p_first_good)


def review_cost(retention: float) -> float:
    """Expected answers for a due (or final) review: one, and a relearning step when it is forgotten."""
    return 2 - retention


# --- the learner's own numbers ------------------------------------------------------------------


def seconds_per_answer(reviews: list[dict]) -> tuple[float, str]:
    times = sorted(r["duration_ms"] / 1000 for r in reviews if r.get("duration_ms") and not r.get("cram"))
    if not times:
        return DEFAULT_SECONDS, f"default {DEFAULT_SECONDS:g} s per answer (no timed answers yet)"
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    return round(median, 2), f"your median answer time, {median:.1f} s over {n} answers"


def first_good_share(reviews: list[dict]) -> float:
    firsts = [r["rating"] > 1 for r in reviews if r.get("state_before") is None and not r.get("cram")]
    if len(firsts) < MIN_FIRST_REVIEWS:
        return FIRST_GOOD_DEFAULT
    return round(sum(firsts) / len(firsts), 3)


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class Day:
    date: str
    quota: int  # new cards the plan allows this day (the session adds up the quotas so far)
    new: int  # new cards the forecast introduces this day (less than the quota when the cap binds)
    reviews: float  # forecast answers, all kinds (learning steps, due, early, final): the load the session keeps
    # (at least this, at most this / (1 - LOAD_BAND)); the expected load, plus FINAL_MARGIN in the last week
    final: float  # of which final reviews
    minutes: float


@dataclass
class Plan:
    interview: str  # ISO local datetime
    made_at: float  # unix seconds: new cards introduced since then count against the plan's quota
    target: float
    cap: int | None  # reviews per day
    seconds_per_answer: float
    seconds_source: str
    cards: int
    new_cards: int
    cutoff: str | None  # last date the plan allows new cards (each then gets enough reviews before the date)
    days: list[Day]
    mean_recall: float
    min_recall: float
    below: int
    below_topics: dict
    meets: bool
    needed_per_day: int | None  # reviews/day that would meet the target (None when met, or when no cap helps)
    needed_minutes: float | None
    latest_start: str | None  # when days are too few: the last date new cards could have started
    overdue_discounted: int
    topics: list[str]
    first_good: float = FIRST_GOOD_DEFAULT  # share of new cards answered Good at first sight (forecast input)
    recall: dict = field(default_factory=dict)  # question id -> predicted recall at the interview
    last_new: str | None = None  # last day the forecast introduces new cards (after `cutoff` when the cap binds)

    @property
    def peak(self) -> int:
        return max((round(d.reviews) for d in self.days), default=0)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=1)

    def verdict(self) -> str:
        share = (self.cards - self.below) / self.cards if self.cards else 1.0
        head = (f"{self.cards - self.below} of {self.cards} cards ({share:.1%}) predicted at or above "
                f"{self.target:.0%} recall on the day")  # fmt: skip
        if self.meets:
            return f"feasible: {head}"
        out = f"NOT feasible within the cap: {head}; {self.below} below target"
        if self.below_topics:
            out += " (" + ", ".join(f"{t} {n}" for t, n in self.below_topics.items()) + ")"
        if self.needed_per_day is not None:
            out += f"; meeting it needs about {self.needed_per_day} reviews/day ({self.needed_minutes:g} min/day)"
        if self.latest_start:
            out += f"; too few days left for the new cards: they needed to start by {self.latest_start}"
        return out


def _new_schedule(model: Model, dates: list[date], study_at: list[float], n_new: int) -> tuple[list[int], int]:
    """New cards per day spread evenly up to the cut-off day; returns (quota per day, cut-off index or -1)."""
    ends = [midnight(d + timedelta(days=1)) for d in dates]
    cutoff = -1
    for i in range(len(dates)):
        t, spaced = study_at[i], 0
        card = model.review(model.review(None, 3, t), 3, t)  # two learning steps, Good
        while card[4] <= ends[-1]:
            j = bisect.bisect_left(ends, card[4])
            card = model.review(card, 3, study_at[j])
            spaced += 1
        if spaced >= MIN_SPACED_REVIEWS:
            cutoff = i
    span = max(cutoff, 0) + 1
    base, extra = divmod(n_new, span)
    quota = [base + (1 if i < extra else 0) if i < span else 0 for i in range(len(dates))]
    return quota, cutoff


def budget(cap: int | None, done: int, due: int, new_left: int, p_first: float, retention: float) -> tuple[int, int, int]:
    """Today's split of the cap, shared by the forecast and the session: (due cards, final-review budget,
    new cards). Due cards come first; new cards are charged their expected learning reviews and due cards
    their expected relearning step; final reviews get what is left."""
    if cap is None:
        return due, 1 << 30, new_left
    n_due = max(min(due, cap - done), 0)
    room = round(cap - done - n_due * review_cost(retention), 6)  # rounded: 50 * 1.1 is 55.00000000000001
    cost = new_card_cost(p_first)
    n_new = max(min(new_left, int(round(room / cost, 6))), 0)
    return n_due, max(int(round(room - n_new * cost, 6)), 0), n_new


def fit_most(most: int | None, cap: int | None, done: int, n_new: int, n_final: int, p_first: float,
             retention: float) -> int | None:  # fmt: skip
    """The day's most answers (load_band; None: no limit), raised when needed (never above the cap) so that the
    new cards and final reviews `budget` gives today fit with their expected answers: they keep their places even
    when new cards trail behind the forecast (a cap that binds); the band holds the due cards."""
    if most is None:
        return None
    need = done + math.ceil(round(n_new * new_card_cost(p_first) + n_final * review_cost(retention), 6))
    return max(most, need) if cap is None else max(most, min(cap, need))


def due_room(limit: int | None, done: int, n_new: int, n_final: int, p_first: float, retention: float) -> int:
    """How many due cards today's answer limit leaves room for once the plan's new cards and final reviews (split
    from the cap by `budget`, so the new-card dates hold) have their expected answers; the rest wait for
    tomorrow."""
    if limit is None:
        return 1 << 30
    room = limit - done - n_new * new_card_cost(p_first) - n_final * review_cost(retention)
    return max(int(round(room / review_cost(retention), 6)), 0)


def _simulate(model, cards, new_order, dates, study_at, interview, quota, cap, target, p_first, rng, planned=None,
              planned_new=None):  # fmt: skip
    """One run of the seeded learner over the study days, following the same rules as the session
    (quiz.session.build_queue with an active plan). Mutates `cards`; returns per-day counts.

    `planned` (the first pass's expected answers per day) keeps each day within load_band of it, as the session
    does: due cards beyond the band wait for tomorrow, and a day below it is filled with early reviews; a run
    more than NEW_SLACK new cards behind `planned_new` (the first pass's, per day) goes up to the cap."""
    ends = [midnight(d + timedelta(days=1)) for d in dates]
    last_end = ends[-1] if ends else interview
    today = 0
    window = max(len(dates) - FINAL_WINDOW_DAYS, 0)
    pending = list(reversed(new_order))  # pop() from the end = next in order
    new_out, rev_out, fin_out = [], [], []
    allowed = introduced = 0
    buckets: dict[int, dict] = {}  # study day index -> keys of cards due by its end (the day scan, precomputed)
    where: dict = {}  # key -> its bucket

    beyond: dict = {}  # key -> recall at the interview (None until asked), of Review cards due after the last study day
    n_days = len(ends)

    def file(key, card, earliest):
        due = card[4]
        day = bisect.bisect_left(ends, due)
        if day < earliest:
            day = earliest
        old = where.pop(key, None)
        if old is not None:
            buckets[old].pop(key, None)
        if day < n_days:
            if day in buckets:
                buckets[day][key] = None
            else:
                buckets[day] = {key: None}
            where[key] = day
        if due > last_end and card[0] == REVIEW:
            beyond[key] = None
        else:
            beyond.pop(key, None)

    def finals_among(days_left, budget, target, skip=()):
        """final_picks over the cards due after the last study day (their recall at the interview kept)."""
        cands = []
        for k, r in beyond.items():
            if r is None:
                r = beyond[k] = recall_at(model, cards[k], interview)
            if r < target and k not in skip:
                cands.append((r, k))
        return _weakest(cands, days_left, budget)

    for key, card in cards.items():
        if card is not None:
            file(key, card, 0)

    review, random_ = model.review, rng.random
    factor, decay, overdue = model.factor, model.decay, OVERDUE_DAYS * DAY

    def answer(key, t, done):
        """Answer one card until its learning steps are done for today (or the day's limit is reached)."""
        card = cards[key]
        while done < limit:
            if card is None:
                p = p_first
            elif card[2] is None or card[5] is None:
                p = 0.0
            else:  # recall_at, written out: this is the forecast's innermost loop
                days = math.floor((t - card[5]) / DAY)
                p = (1 + factor * (days if days > 0 else 0) / card[2]) ** decay
                if t - card[4] > overdue:
                    p *= OVERDUE_FACTOR
            card = review(card, 3 if random_() < p else 1, t)
            done += 1
            if card[4] - t > LEARN_AHEAD:
                break
        cards[key] = card
        seen.add(key)
        file(key, card, today + 1)  # a step cut short by the limit waits for tomorrow
        return done

    for i, t in enumerate(study_at):
        today, seen = i, set()
        allowed += quota[i]
        end = ends[i]
        if planned is None:
            limit, least = (cap if cap is not None else 1 << 30), 0
        else:
            limit, least = load_band(cap, planned[i])
            if sum(planned_new[:i]) - introduced > NEW_SLACK:
                limit = cap
            limit = 1 << 30 if limit is None else limit
        due = [k for _, k in sorted((-(end - cards[k][5]) / (cards[k][2] or 1e-9), k) for k in buckets.pop(i, ()))]
        for k in due:  # as the store orders them
            where.pop(k, None)
        n_due, fin_budget, n_new = budget(cap, 0, len(due), min(allowed - introduced, len(pending)), p_first,
                                          model.retention)  # fmt: skip
        finals = []
        if i >= window:  # cards due after the last study day: never among today's due ones
            finals = finals_among(len(dates) - i, fin_budget, target)
        if planned is not None:  # new cards and final reviews keep their places; due cards take the rest
            limit = fit_most(limit, cap, 0, n_new, len(finals), p_first, model.retention)
            n_due = min(n_due, due_room(limit, 0, n_new, len(finals), p_first, model.retention))
        done = 0
        for key in due[:n_due] + finals:
            done = answer(key, t, done)
        fresh = [pending.pop() for _ in range(n_new)]
        for j, key in enumerate(fresh):
            if done >= limit:  # the limit ends the day: the rest wait for tomorrow, in order
                pending.extend(reversed(fresh[j:]))
                break
            done = answer(key, t, done)
            introduced += 1
        for key in due[n_due:]:  # the due cards left out, while the day's limit allows; the rest wait for tomorrow
            if done < limit and planned is not None:
                done = answer(key, t, done)
            else:
                file(key, cards[key], i + 1)
        if done < least:  # below the day's band: early reviews, as the session adds them
            last = min(i + EARLY_DAYS, len(ends) - 1)
            near = [(k, cards[k]) for d in range(i + 1, last + 1) for k in buckets.get(d, ())]
            for key in early_picks(near, t, end, ends[last], least - done, skip=seen):
                if done >= least:
                    break
                done = answer(key, t, done)
            if done < least and i >= window:  # in the last week: more final reviews, weakest at the interview first
                for key in finals_among(1, least - done, 1.0, seen):
                    if done >= least:
                        break
                    done = answer(key, t, done)
        new_out.append(introduced - sum(new_out))
        rev_out.append(done)
        fin_out.append(len(finals))
    return new_out, rev_out, fin_out


def make_plan(states: dict, questions: list[tuple[str, str]], reviews: list[dict], interview_date: date,
              now: float, *, target: float = 0.9, cap: int | None = None, minutes_per_day: float | None = None,
              retention: float = 0.9, parameters: tuple[float, ...] | None = None, topics: tuple[str, ...] = (),
              _uncapped_check: bool = True) -> Plan:  # fmt: skip
    """The day-by-day plan. `states`: question id -> the store's card row (or absent when new).
    `questions`: (id, topic) of every card in scope, new ones in the order the session introduces them.
    `cap` (reviews per day) or `minutes_per_day` (turned into a cap with the learner's answer time)."""
    if not 0.5 <= target < 1:
        raise PlanError(f"target {target} must be between 0.5 and 1 (e.g. 0.9)")
    interview = interview_time(interview_date)
    dates = study_dates(now, interview_date)
    if not dates:
        raise PlanError(f"the interview date {interview_date} must be after today")
    if len(dates) > MAX_DAYS:
        raise PlanError(f"the interview date {interview_date} is more than {MAX_DAYS} days away; plain FSRS "
                        "(quiz study) is the plan for that")  # fmt: skip
    model = Model(parameters, retention)
    secs, source = seconds_per_answer(reviews)
    if minutes_per_day is not None:
        cap = int(minutes_per_day * 60 // secs)
    p_first = first_good_share(reviews)
    offset = now - midnight(dates[0])
    study_at = [now] + [midnight(d) + offset for d in dates[1:]]
    topic_of = dict(questions)
    new_order = [q for q, _ in questions if states.get(q) is None]
    quota, cutoff = _new_schedule(model, dates, study_at, len(new_order))

    replicas = min(MAX_REPLICAS, max(1, math.ceil(MIN_SAMPLES / max(len(questions), 1))))

    def runs(planned, planned_new):
        """The seeded learner `replicas` times: mean answers, new cards and final reviews per day, mean recall."""
        sums_new, sums_rev, sums_fin = [0.0] * len(dates), [0.0] * len(dates), [0.0] * len(dates)
        recall = dict.fromkeys(topic_of, 0.0)
        for r in range(replicas):
            cards = {q: card_from_state(states.get(q)) for q in topic_of}
            new, rev, fin = _simulate(model, cards, new_order, dates, study_at, interview, quota, cap, target, p_first,
                                      random.Random(SEED + r), planned, planned_new)  # fmt: skip
            for i in range(len(dates)):
                sums_new[i] += new[i]
                sums_rev[i] += rev[i]
                sums_fin[i] += fin[i]
            if planned is not None:
                for q, c in cards.items():
                    recall[q] += recall_at(model, c, interview) / replicas
        return sums_new, sums_rev, sums_fin, recall

    # pass 1: the expected load per day (and new cards); pass 2: the rules the session keeps with those loads
    new_cards, load, _fin, _recall = runs(None, None)
    window = max(len(dates) - FINAL_WINDOW_DAYS, 0)
    planned = [round(x / replicas * (1 + FINAL_MARGIN if i >= window else 1), 1) for i, x in enumerate(load)]
    planned = planned if cap is None else [min(x, cap) for x in planned]
    cumulative = [round(sum(new_cards[: i + 1]) / replicas) for i in range(len(dates))]  # so the days add up
    planned_new = [c - (cumulative[i - 1] if i else 0) for i, c in enumerate(cumulative)]
    _new, _load, sums_fin, recall = runs(planned, planned_new)
    recall = {q: round(v, 4) for q, v in recall.items()}
    below = [q for q, v in recall.items() if v < target]
    days = [Day(d.isoformat(), quota[i], planned_new[i], planned[i],
                round(sums_fin[i] / replicas, 1), round(planned[i] * secs / 60, 1))
            for i, d in enumerate(dates)]  # fmt: skip
    n = len(recall)
    meets = n == 0 or (n - len(below)) / n >= TARGET_SHARE
    needed = needed_min = latest = None
    if not meets and _uncapped_check and cap is not None:
        needed = _needed_cap(states, questions, reviews, interview_date, now, cap, target=target, retention=retention,
                             parameters=parameters, topics=topics)  # fmt: skip
        needed_min = None if needed is None else round(needed * secs / 60, 1)
    if not meets and cutoff < 0 and new_order:
        lead = _lead_days(model, study_at[0])
        latest = (interview_date - timedelta(days=lead)).isoformat()
    overdue = sum(1 for q in topic_of if states.get(q) and now - states[q]["due"] > OVERDUE_DAYS * DAY)
    return Plan(
        interview=datetime.fromtimestamp(interview).isoformat(timespec="minutes"), made_at=now,
        target=target, cap=cap, seconds_per_answer=secs, seconds_source=source, cards=n, new_cards=len(new_order),
        cutoff=dates[cutoff].isoformat() if new_order and cutoff >= 0 else None, days=days,
        last_new=max((d.date for d in days if d.new > 0), default=None),
        mean_recall=round(sum(recall.values()) / n, 4) if n else 1.0, min_recall=min(recall.values(), default=1.0),
        below=len(below), below_topics=dict(sorted(Counter(topic_of[q] for q in below).items(), key=lambda x: -x[1])),
        meets=meets, needed_per_day=needed, needed_minutes=needed_min, latest_start=latest,
        overdue_discounted=overdue, topics=list(topics), first_good=p_first, recall=recall,
    )  # fmt: skip


def _needed_cap(states, questions, reviews, interview_date, now, cap, **kw) -> int | None:
    """The smallest daily cap (to within 5%) with which the plan meets the target; None if none does."""
    free = make_plan(states, questions, reviews, interview_date, now, _uncapped_check=False, **kw)
    if not free.meets:
        return None
    lo, hi = cap, max(free.peak, cap + 1)  # lo fails, hi meets
    while hi - lo > max(1, hi // 20):
        mid = (lo + hi) // 2
        if make_plan(states, questions, reviews, interview_date, now, cap=mid, _uncapped_check=False, **kw).meets:
            hi = mid
        else:
            lo = mid
    return hi


def _lead_days(model: Model, t: float) -> int:
    """Days from introducing a card (all Good) to its MIN_SPACED_REVIEWS-th later review, plus one."""
    card = model.review(model.review(None, 3, t), 3, t)
    start = t
    for _ in range(MIN_SPACED_REVIEWS):
        t = card[4]
        card = model.review(card, 3, t)
    return math.ceil((t - start) / DAY) + 1


# --- what the session needs from the stored plan -------------------------------------------------


@dataclass(frozen=True)
class Today:
    new_quota: int  # new cards the plan allows from its start through today (what a skipped day left is kept)
    made_at: float
    cap: int | None
    day_end: float
    interview: float
    last_study_end: float
    days_left: int  # study days left, today included
    in_window: bool
    target: float
    topics: tuple[str, ...]
    first_good: float = FIRST_GOOD_DEFAULT
    forecast: float | None = None  # today's forecast answers (None: today is not a day of the plan)
    past: tuple = ()  # (local midnight, forecast answers) of the plan's days before today
    new_before: int = 0  # new cards the forecast introduces on the plan's days before today
    early_until: float = 0.0  # early reviews take cards due by then (EARLY_DAYS on, never after the last study day)

    def band(self, done_per_day: list[int], introduced: int = 0) -> tuple[int | None, int]:
        """Today's (at most, at least) answers (load_band), given the answers done on each of the `past` days and
        the new cards introduced on them: after a missed day the backlog is added to the most, up to the cap
        (catch_up); more than NEW_SLACK new cards behind the forecast, the most is the cap."""
        hi, lo = load_band(self.cap, self.forecast)
        behind = catch_up([f for _, f in self.past], done_per_day)
        if behind and hi is not None:
            hi = hi + behind if self.cap is None else min(self.cap, hi + behind)
        if self.forecast is not None and self.new_before - introduced > NEW_SLACK:
            hi = self.cap
        return hi, lo


def today(active: dict | None, now: float) -> Today | None:
    """Today's part of the active plan, or None (no plan, or the interview has passed: plain FSRS)."""
    if not active:
        return None
    try:
        return _today(active, now)
    except (KeyError, TypeError, ValueError):  # a damaged plan row never stops study: plain FSRS, and
        return None  # `quiz plan --show` says so


def _today(active: dict, now: float) -> Today | None:
    interview = datetime.fromisoformat(active["interview"]).timestamp()
    if now >= interview:
        return None
    d = datetime.fromtimestamp(now).date()
    iso = d.isoformat()
    dates = [date.fromisoformat(x["date"]) for x in active["days"]]
    allowed = sum(x["quota"] for x in active["days"] if x["date"] <= iso)
    forecast = [float(x["reviews"]) for x in active["days"] if x["date"] == iso]
    past = tuple((midnight(date.fromisoformat(x["date"])), float(x["reviews"])) for x in active["days"] if x["date"] < iso)
    new_before = sum(int(x["new"]) for x in active["days"] if x["date"] < iso)
    later = [x for x in dates if x >= d]
    last = dates[-1] if dates else d
    last_end = midnight(last + timedelta(days=1))
    return Today(
        new_quota=allowed, made_at=active["made_at"], cap=active.get("cap"), day_end=midnight(d + timedelta(days=1)),
        interview=interview, last_study_end=last_end, days_left=max(len(later), 1),
        in_window=len(later) <= FINAL_WINDOW_DAYS, target=active["target"], topics=tuple(active.get("topics", ())),
        first_good=active.get("first_good", FIRST_GOOD_DEFAULT), forecast=forecast[0] if forecast else None,
        past=past, new_before=new_before, early_until=min(midnight(d + timedelta(days=1 + EARLY_DAYS)), last_end),
    )  # fmt: skip
