"""Build the study queue and walk it. No printing, no rich: the UI asks, this module decides.

Order: due reviews first, lowest recall probability first; then new cards, interleaved
across topics, up to the daily new-card limit. Cram mode walks every matching card
and logs answers without touching the schedule.

With an active interview plan (`quiz plan`, quiz.plan) until the interview: cards due by the end of today
count as due, the daily cap and new-card quota come from the plan, and in the plan's last week the cards
whose predicted recall at the interview is below target get a final review (after the due ones).
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from . import plan as plan_mod
from . import scheduler
from .bank import Bank, Question
from .errors import StoreError
from .store import Store

N_FSRS_PARAMETERS = 21  # fsrs 6 weights (fsrs.scheduler.DEFAULT_PARAMETERS); checked without importing fsrs
RELEARN_WINDOW = 20 * 60  # an Again/Hard in learning comes back this session if due within 20 minutes


@dataclass(frozen=True)
class Limits:
    new_per_day: int = 20
    reviews_per_day: int = 200
    retention: float = scheduler.DEFAULT_RETENTION
    parameters: tuple[float, ...] | None = None  # FSRS weights fitted by `quiz optimize`; None = defaults

    @classmethod
    def from_store(cls, store: Store) -> Limits:
        """The limits saved with `quiz config`; a value that does not parse is one actionable error."""
        d = cls()

        def read(key: str, parse, default):
            raw = store.setting(key)
            if raw is None:
                return default
            try:
                value = parse(raw)
            except ValueError:
                value = None
            if value is None or not SETTINGS[key][0](value):
                raise StoreError(f"setting {key} = {raw[:40]!r} in {store.path} is not valid ({SETTINGS[key][1]}); "
                                 f"set it with `quiz config {key} VALUE`")  # fmt: skip
            return value

        return cls(
            new_per_day=read("new_per_day", int, d.new_per_day),
            reviews_per_day=read("reviews_per_day", int, d.reviews_per_day),
            retention=read("retention", float, d.retention),
            parameters=_parameters(store),
        )


def _parameters(store: Store) -> tuple[float, ...] | None:
    """Fitted FSRS weights, or None for the defaults; anything unusable says how to reset it."""
    import json
    import math

    fitted = store.setting("fsrs_parameters")
    if not fitted:
        return None
    try:
        values = json.loads(fitted)
        numbers = isinstance(values, list) and all(type(v) in (int, float) and math.isfinite(v) for v in values)
        ok = numbers and len(values) == N_FSRS_PARAMETERS
    except (ValueError, RecursionError):
        ok = False
    if not ok:
        raise StoreError(f"the saved FSRS parameters in {store.path} are unusable (expected a list of "
                         f"{N_FSRS_PARAMETERS} numbers); `quiz optimize --reset` goes back to the defaults")  # fmt: skip
    return tuple(float(v) for v in values)


SETTINGS = {  # name -> (type check, help) for `quiz config`
    "new_per_day": (lambda v: int(v) >= 0, "new cards introduced per day (default 20)"),
    "reviews_per_day": (lambda v: int(v) >= 0, "maximum reviews per day (default 200)"),
    "retention": (lambda v: 0.7 <= float(v) <= 0.99, "desired retention, 0.70 to 0.99 (default 0.9)"),
}


@dataclass
class Item:
    question: Question
    is_new: bool
    changed: bool = False  # the question was edited since this card was last reviewed


@dataclass
class Summary:
    done: int
    correct: int
    graded: int
    seconds: float
    next_due: float | None
    missed: list = field(default_factory=list)  # ids of auto-graded cards answered wrongly, in order

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.graded if self.graded else None


def start_of_day(now: float) -> float:
    """Local midnight: the day the daily limits count against."""
    t = time.localtime(now)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def matches(q: Question, topics: tuple[str, ...], tags: tuple[str, ...]) -> bool:
    return (not topics or q.topic in topics) and (not tags or bool(set(tags) & set(q.tags)))


def interleave(questions: list[Question]) -> list[Question]:
    """Round-robin across topics, keeping each topic's order: attention, masks, norms, attention, ..."""
    by_topic: dict[str, deque] = {}
    for q in questions:
        by_topic.setdefault(q.topic, deque()).append(q)
    out = []
    while by_topic:
        for topic in list(by_topic):
            out.append(by_topic[topic].popleft())
            if not by_topic[topic]:
                del by_topic[topic]
    return out


def build_queue(bank: Bank, store: Store, now: float, *, topics: tuple[str, ...] = (), tags: tuple[str, ...] = (),
                limits: Limits = Limits(), cram: bool = False, rng: random.Random | None = None) -> list[Item]:  # fmt: skip
    by_id = bank.by_id
    if cram:
        chosen = [Item(q, is_new=False) for q in bank.questions if matches(q, topics, tags)]
        (rng or random.Random()).shuffle(chosen)
        return chosen

    today = start_of_day(now)
    plan = plan_mod.today(store.active_plan(), now)
    if plan is not None:
        return _planned_queue(bank, store, plan, today, limits, topics or plan.topics, tags)
    due_budget = max(limits.reviews_per_day - store.reviews_since(today), 0)
    due = []
    for card in store.due_cards(now):
        if len(due) >= due_budget:  # checked first: a spent budget (0) admits no card at all
            break
        q = by_id.get(card.question_id)  # cards of questions no longer in the banks are skipped, kept
        if q is not None and matches(q, topics, tags):
            due.append(Item(q, is_new=False, changed=card.content_hash not in (None, q.content_hash)))

    new_budget = max(limits.new_per_day - store.introduced_since(today), 0)
    known = store.known_ids()  # one scan of the primary key: 10,000 cards cost ~3 ms
    fresh = interleave([q for q in bank.questions if q.id not in known and matches(q, topics, tags)])
    return due + [Item(q, is_new=True) for q in fresh[:new_budget]]


def _planned_queue(bank: Bank, store: Store, plan: plan_mod.Today, today: float, limits: Limits,
                   topics: tuple[str, ...], tags: tuple[str, ...]) -> list[Item]:  # fmt: skip
    """Today's queue under the active plan (quiz.plan): every card due by the end of today, then the final
    reviews, then new cards; the cap split by plan.budget, exactly as the plan's forecast assumed."""
    by_id = bank.by_id
    due = []
    for card in store.due_cards(plan.day_end):
        q = by_id.get(card.question_id)
        if q is not None and matches(q, topics, tags):
            due.append(Item(q, is_new=False, changed=card.content_hash not in (None, q.content_hash)))
    known = store.known_ids()
    fresh = interleave([q for q in bank.questions if q.id not in known and matches(q, topics, tags)])
    new_left = min(max(plan.new_quota - store.introduced_since(plan.made_at), 0), len(fresh))
    n_due, final_budget, n_new = plan_mod.budget(plan.cap, store.reviews_since(today), len(due), new_left,
                                                 plan.first_good, limits.retention)  # fmt: skip
    due = due[:n_due]
    final = _final_review(bank, store, plan, limits, due, final_budget, topics, tags) if plan.in_window else []
    return due + final + [Item(q, is_new=True) for q in fresh[:n_new]]


def _final_review(bank: Bank, store: Store, plan: plan_mod.Today, limits: Limits, due: list[Item], budget: int,
                  topics: tuple[str, ...], tags: tuple[str, ...]) -> list[Item]:  # fmt: skip
    """The plan's final pass for today: cards below target at the interview that FSRS will not show again."""
    by_id = bank.by_id
    taken = {i.question.id for i in due}
    cards = {qid: plan_mod.card_from_state(s) for qid, s in store.card_states().items()
             if qid in by_id and qid not in taken and matches(by_id[qid], topics, tags)}  # fmt: skip
    model = plan_mod.Model(limits.parameters, limits.retention)
    picks = plan_mod.final_picks(cards, model, plan.interview, plan.last_study_end, plan.days_left, budget, plan.target)
    return [Item(by_id[qid], is_new=False) for qid in picks]


@dataclass
class Session:
    store: Store
    queue: deque
    limits: Limits = Limits()
    cram: bool = False
    clock: Callable[[], datetime] = scheduler.utcnow
    done: int = 0
    correct: int = 0
    graded: int = 0
    started: float = field(default_factory=time.monotonic)
    history: list = field(default_factory=list)  # (review_id, Item, was_correct) for undo
    cap: int | None = None  # an active plan's reviews per day: the session ends when today's reviews reach it
    before: int = 0  # reviews already done today when the session started

    @classmethod
    def start(cls, bank: Bank, store: Store, **options) -> Session:
        limits = options.pop("limits", None) or Limits.from_store(store)
        cram = options.get("cram", False)
        clock = options.pop("clock", scheduler.utcnow)
        now = clock().timestamp()
        items = build_queue(bank, store, now, limits=limits, **options)
        plan = None if cram else plan_mod.today(store.active_plan(), now)
        if plan is None or plan.cap is None:
            return cls(store, deque(items), limits, cram, clock)
        return cls(store, deque(items), limits, cram, clock, cap=plan.cap, before=store.reviews_since(start_of_day(now)))

    def current(self) -> Item | None:
        return self.queue[0] if self.queue else None

    def counts(self) -> tuple[int, int, int]:
        """(done, due left, new left) for the progress line."""
        new = sum(1 for i in self.queue if i.is_new)
        return self.done, len(self.queue) - new, new

    def preview(self, item: Item) -> dict[int, str]:
        """Interval each rating would give this card, formatted ("1m", "10m", "3d", ...)."""
        if self.cram:
            return {r: "-" for r in scheduler.RATINGS}
        now = self.clock()
        state = self.store.card(item.question.id)
        return {r: scheduler.format_interval(d) for r, d in scheduler.preview(state, now, self.limits.retention,
                                                                                 self.limits.parameters).items()}

    def answer(self, rating: int, *, given: str | None = None, correct: bool | None = None,
               duration_ms: int | None = None) -> int:  # fmt: skip
        """Record the answer to the current card (one transaction) and move on. If recording fails
        (AnswerNotSaved), the card stays current, so the same answer can be retried."""
        item = self.queue[0]
        now = self.clock()
        schedule = None if self.cram else (
            lambda state: scheduler.review(state, rating, now, self.limits.retention, True, self.limits.parameters))
        review_id = self.store.record(
            item.question.id, rating, now=now.timestamp(), schedule=schedule, answer=given, correct=correct,
            duration_ms=duration_ms, content_hash=item.question.content_hash,
        )  # fmt: skip
        self.queue.popleft()
        self.done += 1
        if correct is not None:
            self.graded += 1
            self.correct += int(correct)
        self.history.append((review_id, item, correct))
        if not self.cram:
            state = self.store.card(item.question.id)
            if state and state["due"] - now.timestamp() <= RELEARN_WINDOW:
                self.queue.append(Item(item.question, is_new=False))  # learning step: see it again today
            if self.cap is not None and self.before + self.done >= self.cap:
                self.queue.clear()  # the plan's daily cap is reached: the rest waits for tomorrow
        return review_id

    def undo(self) -> Item | None:
        """Take back the last answer: its card returns to the front of the queue."""
        if not self.history:
            return None
        review_id, item, correct = self.history.pop()
        self.store.undo(review_id)
        # drop the relearning copy queued by that answer, if any
        for queued in list(self.queue):
            if queued.question.id == item.question.id and queued is not item:
                self.queue.remove(queued)
                break
        self.queue.appendleft(item)
        self.done -= 1
        if correct is not None:
            self.graded -= 1
            self.correct -= int(correct)
        return item

    def summary(self) -> Summary:
        missed = list(dict.fromkeys(item.question.id for _, item, correct in self.history if correct is False))
        return Summary(self.done, self.correct, self.graded, time.monotonic() - self.started,
                       self.store.next_due(self.clock().timestamp()), missed)  # fmt: skip


def exam_queue(bank: Bank, count: int, rng: random.Random, *, topics: tuple[str, ...] = (),
               tags: tuple[str, ...] = ()) -> list[Item]:  # fmt: skip
    """A mock interview: `count` questions drawn at random, spread across topics as evenly as possible."""
    pool = [q for q in bank.questions if matches(q, topics, tags)]
    rng.shuffle(pool)
    return [Item(q, is_new=False) for q in interleave(pool)[:count]]


@dataclass(frozen=True)
class ExamReport:
    asked: int
    correct: int
    by_topic: dict  # topic -> (correct, asked)
    missed: list  # question ids answered wrongly


def exam_report(history: list) -> ExamReport:
    by_topic: dict[str, list[int]] = {}
    missed = []
    for _review_id, item, correct in history:
        score = by_topic.setdefault(item.question.topic, [0, 0])
        score[1] += 1
        score[0] += int(bool(correct))
        if not correct:
            missed.append(item.question.id)
    return ExamReport(len(history), sum(c for c, _ in by_topic.values()),
                      {t: tuple(v) for t, v in by_topic.items()}, missed)  # fmt: skip
