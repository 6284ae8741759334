"""The --topic / --tag filters, the same in every command, and what a filtered session says at its end.

- `unknown_filter`: one line naming the first unknown topic or tag, with the closest known ones (difflib).
- `next_due`: when the next card *matching the filters* falls due (not any card in the store).
- `limit_note`: when a study session ran out because a daily limit was reached while matching cards are
  still waiting, say which limit and how to raise it (for today, and for every day).
Pure apart from reading the store; no rich, no printing.
"""

from __future__ import annotations

import difflib

from .bank import Bank, Question
from .session import Limits, matches, start_of_day
from .store import Store


def _wanted(q: Question, topics: tuple[str, ...], tags: tuple[str, ...], types: tuple[str, ...]) -> bool:
    return matches(q, topics, tags) and (not types or q.type in types)


def known_tags(bank: Bank) -> list[str]:
    return sorted({tag for q in bank.questions for tag in q.tags})


def _unknown(kind: str, value: str, options: list[str], hint: str) -> str:
    lowered = {o.lower(): o for o in options}
    close = [lowered[value.lower()]] if value.lower() in lowered else []  # Attention -> attention
    close += [c for c in difflib.get_close_matches(value, options, n=3, cutoff=0.6) if c not in close]
    advice = "did you mean " + " or ".join(repr(c) for c in close[:3]) + "?" if close else hint
    return f"unknown {kind} {value!r} (--{kind}); {advice}"


def unknown_filter(bank: Bank, topics: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> str | None:
    """None when every --topic and --tag names something in the bank, else one line about the first that does not."""
    for topic in topics:
        if topic not in bank.topics:
            return _unknown("topic", topic, bank.topics, "see `quiz topics` for the topics")
    if tags:
        options = known_tags(bank)
        for tag in tags:
            if tag not in options:
                return _unknown("tag", tag, options, "no question has it (`quiz list --json` shows each question's tags)")
    return None


def next_due(store: Store, bank: Bank, after: float, topics: tuple[str, ...] = (), tags: tuple[str, ...] = (),
             types: tuple[str, ...] = ()) -> float | None:  # fmt: skip
    """The earliest due time after `after` among cards of questions that match the filters."""
    if not (topics or tags or types):
        return store.next_due(after)
    by_id = bank.by_id
    dues = [s["due"] for qid, s in store.card_states().items()
            if qid in by_id and _wanted(by_id[qid], topics, tags, types) and (s["due"] or 0) > after]  # fmt: skip
    return min(dues, default=None)


NOTES = {
    "en": {
        "new": "The daily limit of new cards ({limit}) is reached ({done} introduced today); {waiting} new {cards} "
               "still waiting. For more today: quiz study --new {today}; for every day: quiz config new_per_day {every}.",
        "reviews": "The daily limit of reviews ({limit}) is reached ({done} today); {waiting} due {cards} still "
                   "waiting. For more today: quiz study --max-reviews {today}; for every day: "
                   "quiz config reviews_per_day {every}.",
    },
    "zh": {
        "new": "今天的新卡上限 {limit} 张已用完（今天已学 {done} 张）；还有 {waiting} 张新卡。"
               "今天再多学一些：quiz study --new {today}；每天都多学：quiz config new_per_day {every}。",
        "reviews": "今天的复习上限 {limit} 次已用完（今天已复习 {done} 次）；还有 {waiting} 张到期卡片。今天再多复习一些："
                   "quiz study --max-reviews {today}；每天都多复习：quiz config reviews_per_day {every}。",
    },
}  # fmt: skip


def limit_note(store: Store, bank: Bank, now: float, limits: Limits, lang: str = "en", topics: tuple[str, ...] = (),
               tags: tuple[str, ...] = (), types: tuple[str, ...] = ()) -> str | None:  # fmt: skip
    """Why a study session found no more cards, when the reason is a daily limit; None otherwise.

    `--new N` and `--max-reviews N` count the cards already done today, so the advice for today is the
    number done today plus 10 (plus 50 for reviews), and for every day the setting plus as much."""
    from . import plan

    if plan.today(store.active_plan(), now) is not None:  # an interview plan sets today's numbers, not these limits
        return None
    today = start_of_day(now)
    notes = NOTES.get(lang, NOTES["en"])
    plural = (lambda n: "card is" if n == 1 else "cards are") if lang != "zh" else (lambda n: "")
    reviewed = store.reviews_since(today)
    if reviewed >= limits.reviews_per_day:
        by_id = bank.by_id
        waiting = sum(1 for c in store.due_cards(now) if c.question_id in by_id
                      and _wanted(by_id[c.question_id], topics, tags, types))  # fmt: skip
        if waiting:
            return notes["reviews"].format(limit=limits.reviews_per_day, done=reviewed, waiting=waiting,
                                           cards=plural(waiting), today=reviewed + 50,
                                           every=limits.reviews_per_day + 50)  # fmt: skip
    introduced = store.introduced_since(today)
    if introduced >= limits.new_per_day:
        known = store.known_ids()
        waiting = sum(1 for q in bank.questions if q.id not in known and _wanted(q, topics, tags, types))
        if waiting:
            return notes["new"].format(limit=limits.new_per_day, done=introduced, waiting=waiting, cards=plural(waiting),
                                       today=introduced + 10, every=limits.new_per_day + 10)  # fmt: skip
    return None
