"""The interview-date plan: a pure function of (card states, review log, questions, date, cap, now).

Spaced repetition aims at long-term memory; an interview asks for recall on one morning. The plan keeps
plain FSRS scheduling and adds three things:

1. New cards are spread evenly up to a cut-off day, the last day on which a new card answered Good every
   time still gets MIN_SPACED_REVIEWS reviews on later days before the interview.
2. In the last FINAL_WINDOW_DAYS study days, every card whose predicted recall at the interview is below
   the target and that FSRS will not show again before it gets one final review, weakest first, spread
   evenly over the window under the daily cap.
3. A card more than OVERDUE_DAYS past its due date is treated as less certain than FSRS says: its
   predicted recall is multiplied by OVERDUE_FACTOR (FSRS is known to overestimate recall for long-overdue
   cards in published calibration data; the factor is our stated, conservative assumption).

The forecast simulates a learner whose recall follows the FSRS forgetting curve (Good when recalled,
Again otherwise) with a fixed seed, so the same inputs always give the same plan, byte for byte. The
FSRS-6 arithmetic is written out here (fuzz off, as fsrs 6.3.2 computes it) so that 10,000 cards plan in
well under a second; tests/test_plan.py checks it against the fsrs package. No rich, torch or numpy.
"""

from __future__ import annotations

import bisect
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
RELEARN_WINDOW = 20 * 60  # as in session: a step due within 20 minutes comes back the same session

INTERVIEW_HOUR = 9  # the interview is taken to be at 09:00 local time on its date
TARGET_SHARE = 0.99  # the plan "meets the target" when at least this share of cards is at or above it
FINAL_WINDOW_DAYS = 7
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
    """FSRS-6 as fsrs 6.3.2 computes it with fuzzing off. A card is a list [state, step, S, D, due, last]."""

    def __init__(self, parameters: tuple[float, ...] | None = None, retention: float = 0.9):
        self.w = w = tuple(parameters or DEFAULT_PARAMETERS)
        self.retention = retention
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self._ivl = (retention ** (1 / self.decay) - 1) / self.factor

    def recall(self, stability: float, elapsed: float) -> float:
        """Probability of recall `elapsed` seconds after the last review (fsrs counts whole days)."""
        days = max(0, math.floor(elapsed / DAY))
        return (1 + self.factor * days / stability) ** self.decay

    def interval(self, stability: float) -> int:
        return min(max(round(stability * self._ivl), 1), MAXIMUM_INTERVAL)

    def _d0(self, rating: int) -> float:
        return self.w[4] - math.exp(self.w[5] * (rating - 1)) + 1

    def _next_d(self, d: float, rating: int) -> float:
        w = self.w
        d2 = d + (10.0 - d) * -(w[6] * (rating - 3)) / 9.0
        return min(max(w[7] * self._d0(4) + (1 - w[7]) * d2, 1.0), 10.0)

    def _short(self, s: float, rating: int) -> float:
        w = self.w
        inc = math.exp(w[17] * (rating - 3 + w[18])) * s ** -w[19]
        if rating > 1:
            inc = max(inc, 1.0)
        return max(s * inc, 0.001)

    def _long(self, s: float, d: float, r: float, rating: int) -> float:
        w = self.w
        if rating == 1:
            new = min(w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14]),
                      s / math.exp(w[17] * w[18]))  # fmt: skip
        else:
            bonus = (w[15] if rating == 2 else 1) * (w[16] if rating == 4 else 1)
            new = s * (1 + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1) * bonus)
        return max(new, 0.001)

    def review(self, card: list | None, rating: int, now: float) -> list:
        """The card after answering `rating` (1..4) at `now` (unix seconds); `card` None is a new card."""
        if card is None:
            state, step, s, d, last = LEARNING, 0, None, None, None
        else:
            state, step, s, d, _due, last = card
        days = None if last is None else math.floor((now - last) / DAY)
        if s is None or d is None:
            s, d = max(self.w[rating - 1], 0.001), min(max(self._d0(rating), 1.0), 10.0)
        else:
            if days is not None and days < 1:
                s = self._short(s, rating)
            else:
                s = self._long(s, d, self.recall(s, now - last), rating)
            d = self._next_d(d, rating)
        steps = LEARNING_STEPS if state == LEARNING else RELEARNING_STEPS
        if state == REVIEW:
            if rating == 1:
                return [RELEARNING, 0, s, d, now + RELEARNING_STEPS[0], now]
            return [REVIEW, None, s, d, now + self.interval(s) * DAY, now]
        if step >= len(steps) and rating > 1:
            return [REVIEW, None, s, d, now + self.interval(s) * DAY, now]
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
    cands.sort()
    take = min(math.ceil(len(cands) / max(days_left, 1)), max(budget, 0))
    return [key for _r, key in cands[:take]]


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
    reviews: float  # forecast reviews, all kinds (learning steps, due, final)
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
    room = round(cap - done - n_due * (2 - retention), 6)  # rounded: 50 * 1.1 is 55.00000000000001
    cost = new_card_cost(p_first)
    n_new = max(min(new_left, int(round(room / cost, 6))), 0)
    return n_due, max(int(round(room - n_new * cost, 6)), 0), n_new


def _simulate(model, cards, new_order, dates, study_at, interview, quota, cap, target, p_first, rng):
    """One run of the seeded learner over the study days, following the same rules as the session
    (quiz.session.build_queue with an active plan). Mutates `cards`; returns per-day counts."""
    ends = [midnight(d + timedelta(days=1)) for d in dates]
    last_end = ends[-1] if ends else interview
    today = 0
    window = max(len(dates) - FINAL_WINDOW_DAYS, 0)
    limit = cap if cap is not None else 1 << 30
    pending = list(reversed(new_order))  # pop() from the end = next in order
    new_out, rev_out, fin_out = [], [], []
    allowed = introduced = 0
    buckets: dict[int, list] = {}  # study day index -> keys of cards due by its end (the day scan, precomputed)

    def file(key, card, earliest):
        day = max(bisect.bisect_left(ends, card[4]), earliest)
        if day < len(ends):
            buckets.setdefault(day, []).append(key)

    for key, card in cards.items():
        if card is not None:
            file(key, card, 0)

    def answer(key, t, done):
        """Answer one card until its learning steps are done for today (or the cap is reached)."""
        card = cards[key]
        while done < limit:
            if card is None:
                good = rng.random() < p_first
            else:
                good = rng.random() < recall_at(model, card, t)
            card = model.review(card, 3 if good else 1, t)
            done += 1
            if card[4] - t > RELEARN_WINDOW:
                break
        cards[key] = card
        file(key, card, today + 1)  # a step cut short by the cap waits for tomorrow
        return done

    for i, t in enumerate(study_at):
        today = i
        allowed += quota[i]
        end = ends[i]
        due = sorted((-(end - cards[k][5]) / max(cards[k][2], 1e-9), k) for k in buckets.pop(i, ()))  # as the store
        n_due, fin_budget, n_new = budget(cap, 0, len(due), min(allowed - introduced, len(pending)), p_first,
                                          model.retention)  # fmt: skip
        if n_due < len(due):  # over the cap: the rest stay due tomorrow
            buckets.setdefault(i + 1, []).extend(k for _, k in due[n_due:])
        due = [k for _, k in due[:n_due]]
        finals = []
        if i >= window:
            finals = final_picks(cards, model, interview, last_end, len(dates) - i, fin_budget, target, skip=set(due))
        done = 0
        for key in due + finals:
            done = answer(key, t, done)
        fresh = [pending.pop() for _ in range(n_new)]
        for j, key in enumerate(fresh):
            if done >= limit:  # the cap ends the day: the rest wait for tomorrow, in order
                pending.extend(reversed(fresh[j:]))
                break
            done = answer(key, t, done)
            introduced += 1
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
    sums_new, sums_rev, sums_fin = [0.0] * len(dates), [0.0] * len(dates), [0.0] * len(dates)
    recall = dict.fromkeys(topic_of, 0.0)
    for r in range(replicas):
        cards = {q: card_from_state(states.get(q)) for q in topic_of}
        new, rev, fin = _simulate(model, cards, new_order, dates, study_at, interview, quota, cap, target, p_first,
                                  random.Random(SEED + r))  # fmt: skip
        for i in range(len(dates)):
            sums_new[i] += new[i]
            sums_rev[i] += rev[i]
            sums_fin[i] += fin[i]
        for q, c in cards.items():
            recall[q] += recall_at(model, c, interview) / replicas
    recall = {q: round(v, 4) for q, v in recall.items()}
    below = [q for q, v in recall.items() if v < target]
    days = [Day(d.isoformat(), quota[i], round(sums_new[i] / replicas), round(sums_rev[i] / replicas, 1),
                round(sums_fin[i] / replicas, 1), round(sums_rev[i] / replicas * secs / 60, 1))
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
    dates = [date.fromisoformat(x["date"]) for x in active["days"]]
    allowed = sum(x["quota"] for x in active["days"] if x["date"] <= d.isoformat())
    later = [x for x in dates if x >= d]
    last = dates[-1] if dates else d
    return Today(
        new_quota=allowed, made_at=active["made_at"], cap=active.get("cap"), day_end=midnight(d + timedelta(days=1)),
        interview=interview, last_study_end=midnight(last + timedelta(days=1)), days_left=max(len(later), 1),
        in_window=len(later) <= FINAL_WINDOW_DAYS, target=active["target"], topics=tuple(active.get("topics", ())),
        first_good=active.get("first_good", FIRST_GOOD_DEFAULT),
    )  # fmt: skip
