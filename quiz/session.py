"""Build the study queue and walk it. No printing, no rich: the UI asks, this module decides.

Order: due reviews first, lowest recall probability first; then new cards, interleaved
across topics, up to the daily new-card limit. Cram mode walks every matching card
and logs answers without touching the schedule.

With an active interview plan (`quiz plan`, quiz.plan) until the interview: cards due by the end of today
count as due, the daily cap and new-card quota come from the plan, and in the plan's last week the cards
whose predicted recall at the interview is below target get a final review (after the due ones). Each day's
answers stay within the band the plan forecast for it (quiz.plan.load_band): due cards beyond it wait for
tomorrow, and a day below it is filled with early reviews (Item.fill), shown after the learning steps.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import plan as plan_mod
from . import scheduler
from .bank import Bank, Question
from .errors import StoreError
from .store import Store

N_FSRS_PARAMETERS = 21  # fsrs 6 weights (fsrs.scheduler.DEFAULT_PARAMETERS); checked without importing fsrs
LEARN_AHEAD = plan_mod.LEARN_AHEAD  # a learning card may be shown this early when nothing else is left (20 min)


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
    "new_per_day": (lambda v: int(v) >= 0, "new cards introduced per day: a whole number, 0 or more (default 20)"),
    "reviews_per_day": (lambda v: int(v) >= 0, "maximum reviews per day: a whole number, 0 or more (default 200)"),
    "retention": (lambda v: 0.7 <= float(v) <= 0.99, "desired retention: 0.70 to 0.99 (default 0.9)"),
}


@dataclass
class Item:
    question: Question
    is_new: bool
    changed: bool = False  # the question was edited since this card was last reviewed
    early: bool = False  # shown before it is due: the plan's final review, or an early review (`fill`)
    fill: bool = False  # an early review that fills the day up to the plan's forecast load ("early (plan)")


@dataclass
class Summary:
    done: int
    correct: int
    graded: int
    seconds: float
    next_due: float | None
    missed: list = field(default_factory=list)  # ids of auto-graded cards answered wrongly and rated Again, in order
    questions: dict = field(default_factory=dict)  # id -> Question for every missed id (the summary names prompts)
    learning_later: int = 0  # learning cards that come back later today, beyond the learn-ahead limit

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.graded if self.graded else None


def without_drafts(bank: Bank) -> tuple[Bank, list]:
    """The bank without questions still holding `quiz new`'s TODO placeholders, and one Q026 problem for each
    (the line `quiz check` prints)."""
    from .lint import TODO_ID_RE, TODO_RE
    from .problems import Problem

    keep, problems = [], []
    for q in bank.questions:
        texts = {"prompt": q.prompt, "answer": q.answer, "explanation": q.explanation,
                 **{f"choices[{i}]": c.text for i, c in enumerate(q.choices)}}  # fmt: skip
        fields = [name for name, text in texts.items() if text is not None and TODO_RE.search(f"{text.en}\n{text.zh}")]
        if TODO_ID_RE.search(q.id) and not fields:
            fields = ["id"]
        if fields:
            problems.append(Problem(q.path, q.line, 1, "Q026", f"{q.id}: placeholder TODO left in {', '.join(fields)}"))
        else:
            keep.append(q)
    if not problems:
        return bank, []
    return Bank(tuple(keep), bank.titles), problems


def start_of_day(now: float) -> float:
    """Local midnight: the day the daily limits count against."""
    t = time.localtime(now)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def matches(q: Question, topics: tuple[str, ...], tags: tuple[str, ...], types: tuple[str, ...] = ()) -> bool:
    return ((not topics or q.topic in topics) and (not tags or bool(set(tags) & set(q.tags)))
            and (not types or q.type in types))


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


def new_order(questions: list[Question]) -> list[Question]:
    """The order new cards are introduced in: one of each card type in turn (flashcard, mcq, numeric, cloze,
    errata), each turn taking the type's next card from the topic seen least so far (ties: bank order), each
    topic's cards in file order. So the first day shows every kind of card from many topics, not the first
    topics' flashcards."""
    topics = list(dict.fromkeys(q.topic for q in questions))
    lanes: dict[str, dict[str, deque]] = {}
    for q in questions:
        lanes.setdefault(q.type, {}).setdefault(q.topic, deque()).append(q)
    order = sorted(lanes, key=lambda ty: TYPE_ORDER.index(ty) if ty in TYPE_ORDER else len(TYPE_ORDER))
    seen = dict.fromkeys(topics, 0)
    out = []
    while order:
        for ty in list(order):
            by_topic = lanes[ty]
            topic = min(by_topic, key=lambda t: (seen[t], topics.index(t)))
            out.append(by_topic[topic].popleft())
            seen[topic] += 1
            if not by_topic[topic]:
                del by_topic[topic]
            if not by_topic:
                order.remove(ty)
    return out


TYPE_ORDER = ("flashcard", "mcq", "numeric", "cloze", "errata")


def build_queue(bank: Bank, store: Store, now: float, *, topics: tuple[str, ...] = (), tags: tuple[str, ...] = (),
                limits: Limits = Limits(), cram: bool = False, rng: random.Random | None = None,
                types: tuple[str, ...] = ()) -> list[Item]:  # fmt: skip
    by_id = bank.by_id
    if cram:
        chosen = [Item(q, is_new=False) for q in bank.questions if matches(q, topics, tags, types)]
        (rng or random.Random()).shuffle(chosen)
        return chosen

    today = start_of_day(now)
    plan = plan_mod.today(store.active_plan(), now)
    if plan is not None:
        return _planned_queue(bank, store, plan, today, limits, topics or plan.topics, tags, types, now)[0]
    due_budget = max(limits.reviews_per_day - store.reviews_since(today), 0)
    due = []
    for card in store.due_cards(now):
        if len(due) >= due_budget:  # checked first: a spent budget (0) admits no card at all
            break
        q = by_id.get(card.question_id)  # cards of questions no longer in the banks are skipped, kept
        if q is not None and matches(q, topics, tags, types):
            due.append(Item(q, is_new=False, changed=card.content_hash not in (None, q.content_hash)))

    new_budget = max(limits.new_per_day - store.introduced_since(today), 0)
    known = store.known_ids()  # one scan of the primary key: 10,000 cards cost ~3 ms
    fresh = new_order([q for q in bank.questions if q.id not in known and matches(q, topics, tags, types)])
    return due + [Item(q, is_new=True) for q in fresh[:new_budget]]


def plan_progress(store: Store, plan: plan_mod.Today, today: float) -> list[int]:
    """Answers done on each of the plan's days before today (plan.past), from the review log."""
    import bisect

    if not plan.past:
        return []
    starts = [start for start, _f in plan.past] + [today]
    times = store.review_times(starts[0])
    counts = [bisect.bisect_left(times, start) for start in starts]
    return [counts[j + 1] - counts[j] for j in range(len(plan.past))]


def plan_introduced(store: Store, plan: plan_mod.Today, today: float) -> int:
    """New cards introduced since the plan was made, before today."""
    return store.introduced_since(plan.made_at) - store.introduced_since(today) if plan.made_at < today else 0


def day_band(store: Store, plan: plan_mod.Today, today: float) -> tuple[int | None, int]:
    """Today's (at most, at least) answers under the plan (quiz.plan.Today.band), from the answers on its past days
    and the new cards introduced on them."""
    return plan.band(plan_progress(store, plan, today), plan_introduced(store, plan, today))


def _planned_queue(bank: Bank, store: Store, plan: plan_mod.Today, today: float, limits: Limits,
                   topics: tuple[str, ...], tags: tuple[str, ...], types: tuple[str, ...],
                   now: float) -> tuple[list[Item], int | None, int]:  # fmt: skip
    """Today's queue under the active plan (quiz.plan), in the order the plan's forecast assumes: due cards (as
    many as the day's band leaves room for beside the new cards and final reviews), the final reviews, new cards;
    then, marked `fill`, the due cards left out (while the day's band allows) and early reviews (while the day is
    below its band). The cap split by plan.budget. Returns (queue, today's most answers, today's least)."""
    by_id = bank.by_id
    due = []
    for card in store.due_cards(plan.day_end):
        q = by_id.get(card.question_id)
        if q is not None and matches(q, topics, tags, types):
            due.append(Item(q, is_new=False, changed=card.content_hash not in (None, q.content_hash)))
    known = store.known_ids()
    fresh = new_order([q for q in bank.questions if q.id not in known and matches(q, topics, tags, types)])
    new_left = min(max(plan.new_quota - store.introduced_since(plan.made_at), 0), len(fresh))
    done = store.reviews_since(today)
    n_due, final_budget, n_new = plan_mod.budget(plan.cap, done, len(due), new_left, plan.first_good,
                                                 limits.retention)  # fmt: skip
    states = store.card_states()
    cards = {qid: plan_mod.card_from_state(s) for qid, s in states.items()
             if qid in by_id and matches(by_id[qid], topics, tags, types)}  # fmt: skip
    model = plan_mod.Model(limits.parameters, limits.retention)
    final = []
    if plan.in_window:  # cards due after the last study day: never among today's due ones
        picks = plan_mod.final_picks(cards, model, plan.interview, plan.last_study_end, plan.days_left,
                                     final_budget, plan.target)  # fmt: skip
        final = [Item(by_id[qid], is_new=False, early=True) for qid in picks]
    if plan.forecast is None:
        return due[:n_due] + final + [Item(q, is_new=True) for q in fresh[:n_new]], plan.cap, 0
    most, least = day_band(store, plan, today)
    # new cards and final reviews keep their places (the plan's dates depend on them); due cards take the rest
    most = plan_mod.fit_most(most, plan.cap, done, n_new, len(final), plan.first_good, limits.retention)
    n_due = min(n_due, plan_mod.due_room(most, done, n_new, len(final), plan.first_good, limits.retention))
    left_out = [Item(i.question, is_new=False, changed=i.changed, fill=True) for i in due[n_due:]]
    early = []
    room = least - done - len(due) - len(final) - n_new  # what the day's least needs beyond every card it has
    if room > 0:
        seen = {q for q, s in states.items() if (s["last_review"] or 0) >= today}  # answered today (another session)
        picks = plan_mod.early_picks(cards.items(), now, plan.day_end, plan.early_until, room, seen)
        if len(picks) < room and plan.in_window:  # the last week: more final reviews, weakest at the interview
            skip = {i.question.id for i in final} | set(picks) | seen
            picks += plan_mod.final_picks(cards, model, plan.interview, plan.last_study_end, 1, room - len(picks),
                                          1.0, skip=skip)  # fmt: skip
        early = [Item(by_id[qid], is_new=False, early=True, fill=True) for qid in picks]
    return due[:n_due] + final + [Item(q, is_new=True) for q in fresh[:n_new]] + left_out + early, most, least


@dataclass
class Session:
    """Walks the queue built at start (reviews, then new cards) and, before every card, asks the store
    for learning cards that fell due, from this session or another one (Anki's rules):

    1. a learning card that is due now comes first (earliest due first);
    2. then the next queued card that is still due (another session may have answered it meanwhile);
    3. when nothing else is left, a learning card due within LEARN_AHEAD is shown early;
    4. otherwise the session is over; `summary().learning_later` counts the cards that come back later.
    """

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
    cap: int | None = None  # an active plan's most answers today (day_band): the session ends when today's reach it
    least: int = 0  # an active plan's least answers today: early reviews (Item.early and fill) are shown until then
    before: int = 0  # reviews already done today when the session started
    bank: Bank | None = None  # with a bank (not cram), learning cards are fetched from the store before every card;
    # with the filters below, "next due" and "why no more" look at matching cards only
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    due_until: float | None = None  # an active plan counts cards due by the end of today as due
    learn_ahead: float = LEARN_AHEAD
    ratings: dict = field(default_factory=dict)  # review id -> rating given
    _shown: Item | None = None  # the card on screen: current() is stable until answer() or undo()
    _from_queue: bool = False
    _closed: bool = False  # the plan's daily cap is reached
    _drawn: tuple | None = None  # (question id, when, state, {rating: state after}) drawn by preview()

    @classmethod
    def start(cls, bank: Bank, store: Store, **options) -> Session:
        limits = options.pop("limits", None) or Limits.from_store(store)
        cram = options.get("cram", False)
        clock = options.pop("clock", scheduler.utcnow)
        now = clock().timestamp()
        plan = None if cram else plan_mod.today(store.active_plan(), now)
        filters = {"topics": tuple(options.get("topics", ())), "tags": tuple(options.get("tags", ())),
                   "types": tuple(options.get("types", ()))}  # fmt: skip
        if plan is None:
            items = build_queue(bank, store, now, limits=limits, **options)
        else:
            filters["topics"] = filters["topics"] or tuple(plan.topics)
            items, most, least = _planned_queue(bank, store, plan, start_of_day(now), limits, now=now, **filters)
        session = cls(store, deque(items), limits, cram, clock, bank=bank, **filters)
        if plan is not None:
            session.due_until = plan.day_end
            session.before, session.least = store.reviews_since(start_of_day(now)), least
            if most is not None:
                session.cap = most
        return session

    def _wanted(self, qid: str) -> Question | None:
        q = self.bank.by_id.get(qid) if self.bank is not None else None
        return q if q is not None and matches(q, self.topics, self.tags, self.types) else None

    def _learning(self, until: float) -> list[Item]:
        """Learning and relearning cards due by `until` that this session studies, earliest due first."""
        out = []
        for qid, _due, content_hash in self.store.learning_cards(until):
            q = self._wanted(qid)
            if q is not None:
                out.append(Item(q, is_new=False, changed=content_hash not in (None, q.content_hash)))
        return out

    def _still_wanted(self, item: Item, now: float) -> bool:
        """A queued card is shown only if it is still what it was when queued: new and unseen, or due; an early
        review that fills the plan's day only while today's answers are below the day's least."""
        state = self.store.card(item.question.id)
        if item.is_new:
            return state is None
        if item.early and item.fill and self.before + self.done >= self.least:
            return False
        if item.early:
            return state is not None and not any(
                h[1].question.id == item.question.id for h in self.history)  # once per session
        return state is not None and state["due"] <= max(now, self.due_until or now)

    def current(self) -> Item | None:
        if self._shown is not None:
            return self._shown
        if self._closed:
            return None
        if self.cram or self.bank is None:  # a fixed list: cram and the mock interview
            if self.queue:
                self._shown, self._from_queue = self.queue[0], True
            return self._shown
        now = self.clock().timestamp()
        learning = self._learning(now)
        if learning:
            self._shown, self._from_queue = learning[0], False
            return self._shown
        ahead = None
        while self.queue:
            item = self.queue[0]
            if self._still_wanted(item, now):
                if item.fill:  # an early review only fills what is left: learning steps (learn-ahead) first
                    ahead = self._learning(now + self.learn_ahead)
                    if ahead:
                        break
                self._shown, self._from_queue = item, True
                return self._shown
            self.queue.popleft()  # answered elsewhere meanwhile (or shown as a learning card): skip it
        if ahead is None:
            ahead = self._learning(now + self.learn_ahead)
        if ahead:
            self._shown, self._from_queue = ahead[0], False
        return self._shown

    def counts(self) -> tuple[int, int, int]:
        """(done, due left, new left) for the progress line, the card on screen included."""
        new = sum(1 for i in self.queue if i.is_new)
        due = {i.question.id for i in self.queue if not i.is_new and not i.fill}
        for limit, early in ((self.cap, False), (self.least, True)):  # a plan's fill: only as far as today's band goes
            fill = [i.question.id for i in self.queue if i.fill and i.early == early]
            if fill and limit is not None:
                due.update(fill[: max(limit - self.before - self.done - len(due) - new, 0)])
        if self._shown is not None and not self._shown.is_new:
            due.add(self._shown.question.id)
        if not self.cram and self.bank is not None:
            due.update(i.question.id for i in self._learning(self.clock().timestamp()))
        return self.done, len(due), new

    def preview(self, item: Item) -> dict[int, str]:
        """The interval each rating will give this card, fuzz included: fuzz is random, so it is drawn here,
        once per rating, and `answer()` applies the draw the learner saw (shifted to the answer's time)."""
        if self.cram:
            return {r: "-" for r in scheduler.RATINGS}
        now = self.clock()
        state = self.store.card(item.question.id)
        after = {r: scheduler.review(state, r, now, self.limits.retention, True, self.limits.parameters)
                 for r in scheduler.RATINGS}  # fmt: skip
        self._drawn = (item.question.id, now.timestamp(), _key(state), after)
        return {r: scheduler.format_interval(timedelta(seconds=a["due"] - now.timestamp())) for r, a in after.items()}

    def answer(self, rating: int, *, given: str | None = None, correct: bool | None = None,
               duration_ms: int | None = None) -> int:  # fmt: skip
        """Record the answer to the current card (one transaction) and move on. If recording fails
        (AnswerNotSaved), the card stays current, so the same answer can be retried."""
        item = self.current()
        if item is None:
            raise IndexError("no card to answer")
        now = self.clock()
        drawn = self._drawn
        schedule = None
        if not self.cram:
            def schedule(state: dict | None) -> dict:
                if drawn and drawn[0] == item.question.id and drawn[2] == _key(state) and rating in drawn[3]:
                    shift = now.timestamp() - drawn[1]  # the interval the rating bar showed, from now
                    after = dict(drawn[3][rating])
                    after["due"] += shift
                    after["last_review"] = now.timestamp()
                    return after
                return scheduler.review(state, rating, now, self.limits.retention, True, self.limits.parameters)
        review_id = self.store.record(
            item.question.id, rating, now=now.timestamp(), schedule=schedule, answer=given, correct=correct,
            duration_ms=duration_ms, content_hash=item.question.content_hash,
        )  # fmt: skip
        if self._from_queue:
            self.queue.popleft()
        self._shown, self._drawn = None, None
        self.done += 1
        if correct is not None:
            self.graded += 1
            self.correct += int(correct)
        self.history.append((review_id, item, correct))
        self.ratings[review_id] = rating
        if not self.cram and self.cap is not None and self.before + self.done >= self.cap:
            self.queue.clear()  # the plan's daily cap is reached: the rest waits for tomorrow
            self._closed = True
        return review_id

    def skip(self) -> Item | None:
        """Move past the current card without answering it (an unanswered exam question)."""
        item = self.current()
        if item is not None and self._from_queue:
            self.queue.popleft()
        self._shown = None
        return item

    def undo(self) -> Item | None:
        """Take back the last answer: its card is shown again next, whatever its due time was."""
        if not self.history:
            return None
        review_id, item, correct = self.history.pop()
        self.ratings.pop(review_id, None)
        self.store.undo(review_id)
        if self._shown is not None and not self._from_queue:  # a card an earlier undo put on screen: not lost
            self.queue.appendleft(self._shown)  # (current() skips it if it is no longer wanted)
        self._shown, self._from_queue, self._closed = item, False, False
        self.done -= 1
        if correct is not None:
            self.graded -= 1
            self.correct -= int(correct)
        return item

    def summary(self) -> Summary:
        missed = {}
        for review_id, item, correct in self.history:  # a Wrong the learner overrode with a pass is not a miss
            if correct is False and self.ratings.get(review_id, 1) == 1:
                missed.setdefault(item.question.id, item.question)
        now = self.clock().timestamp()
        later = 0
        if not self.cram and self.bank is not None:
            later = len(self._learning(start_of_day(now) + 86400))
        from .filters import next_due

        due = (next_due(self.store, self.bank, now, self.topics, self.tags, self.types) if self.bank
               else self.store.next_due(now))  # fmt: skip
        return Summary(self.done, self.correct, self.graded, time.monotonic() - self.started,
                       due, list(missed), missed, later)  # fmt: skip

    def limit_note(self, lang: str) -> str | None:
        """When the queue ran dry because of a daily limit (cards of these filters still waiting): which, and how
        to raise it."""
        from .filters import limit_note

        if self.cram or self.bank is None:
            return None
        return limit_note(self.store, self.bank, self.clock().timestamp(), self.limits, lang, self.topics, self.tags,
                          self.types)  # fmt: skip


def _key(state: dict | None) -> tuple | None:
    """A card state's scheduling columns, to notice that another session moved the card meanwhile."""
    return None if state is None else tuple(state[k] for k in ("state", "step", "stability", "difficulty", "due"))


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
    unanswered: list = field(default_factory=list)  # question ids left unanswered (time ran out, empty answer)


def exam_report(history: list, unanswered: list[Item] = ()) -> ExamReport:
    """Score a mock interview: unanswered questions count as asked and not correct."""
    by_topic: dict[str, list[int]] = {}
    missed = []
    for _review_id, item, correct in history:
        score = by_topic.setdefault(item.question.topic, [0, 0])
        score[1] += 1
        score[0] += int(bool(correct))
        if not correct:
            missed.append(item.question.id)
    for item in unanswered:
        by_topic.setdefault(item.question.topic, [0, 0])[1] += 1
    return ExamReport(len(history) + len(unanswered), sum(c for c, _ in by_topic.values()),
                      {t: tuple(v) for t, v in by_topic.items()}, missed,
                      [item.question.id for item in unanswered])  # fmt: skip
