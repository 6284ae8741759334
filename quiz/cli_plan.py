"""`quiz plan`: a day-by-day plan to an interview date, with an honest verdict on day one.

The computation is quiz.plan (pure); this module gathers its inputs from the bank and the store, saves
the result as the active plan (which `quiz study` then follows) and draws it. Registered in cli.py with
`cli.add_command(plan)`.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click


def compute(bank, store, interview_date: date, now: float, *, target: float = 0.9, cap: int | None = None,
            minutes_per_day: float | None = None, topics: tuple[str, ...] = (), limits=None):  # fmt: skip
    """The plan for `bank` and the learner in `store` (inputs gathered here, arithmetic in quiz.plan)."""
    from . import plan as plan_mod
    from .session import Limits, interleave, matches

    limits = limits or Limits.from_store(store)
    states = store.card_states()
    scope = [q for q in bank.questions if matches(q, topics, ())]
    known = [q for q in scope if q.id in states]
    fresh = interleave([q for q in scope if q.id not in states])  # the order study introduces them
    return plan_mod.make_plan(
        states, [(q.id, q.topic) for q in known + fresh], store.reviews(), interview_date, now, target=target,
        cap=cap, minutes_per_day=minutes_per_day, retention=limits.retention, parameters=limits.parameters,
        topics=tuple(topics),
    )  # fmt: skip


DAMAGED = ("Error: the stored plan is damaged (study ignores it); make a new one with quiz plan --date YYYY-MM-DD, "
           "or remove it with quiz plan --clear")


def _readable(body: dict) -> bool:
    """A stored plan that render() can draw (an interview passed is readable too)."""
    from . import plan as plan_mod

    try:
        datetime.fromisoformat(body["interview"])
        plan_mod.Plan(**{**body, "days": [plan_mod.Day(**d) for d in body["days"]]})
        return True
    except (KeyError, TypeError, ValueError):
        return False


def _bar(value: float, peak: float, width: int) -> str:
    n = round(width * value / peak) if peak else 0
    return "█" * n


def render(body: dict, console) -> None:
    """The plan as a compact calendar: one line per day with a bar of its reviews, then the verdict."""
    from rich.table import Table
    from rich.text import Text

    from . import plan as plan_mod

    days = body["days"]
    peak = max((d["reviews"] for d in days), default=0) or 1
    cap = body.get("cap")
    width = max(min(console.width - 40, 40), 8)
    console.print(Text(f"Plan to the interview on {body['interview'].replace('T', ' ')}", style="bold"))
    table = Table(box=None, pad_edge=False)
    table.add_column("day", no_wrap=True)
    table.add_column("new", justify="right")
    table.add_column("rev", justify="right")
    table.add_column("min", justify="right")
    table.add_column("load" + (f" (cap {cap})" if cap else ""), no_wrap=True, overflow="crop")
    window = len(days) - plan_mod.FINAL_WINDOW_DAYS
    for i, d in enumerate(days):
        when = date.fromisoformat(d["date"])
        bar = Text(_bar(d["reviews"], max(peak, cap or 0), width), style="cyan" if i < window else "magenta")
        if round(d["final"]):
            bar.append(f" +{d['final']:.0f} final", style="magenta")
        table.add_row(when.strftime("%a %m-%d"), str(d["new"]) if d["new"] else "", f"{d['reviews']:.0f}",
                      f"{d['minutes']:.0f}", bar)  # fmt: skip
    console.print(table)
    lines = [
        f"new cards: {body['new_cards']}" + (f", the last on {body['last_new']}" if body.get("last_new") else "")
        + (f" (planned cut-off {body['cutoff']}: the daily cap pushes some later)"
           if body.get("cutoff") and body.get("last_new") and body["last_new"] > body["cutoff"] else ""),
        f"minutes use {body['seconds_source']}",
        f"study keeps each day between its forecast and the forecast / {1 - plan_mod.LOAD_BAND:g} (early reviews fill a "
        "light day; on a heavy one the least urgent due cards wait for tomorrow)",
        f"predicted recall on the day: mean {body['mean_recall']:.3f}, min {body['min_recall']:.3f}; "
        f"{body['below']} of {body['cards']} cards below {body['target']:g}",
    ]
    if body.get("overdue_discounted"):
        lines.append(f"{body['overdue_discounted']} cards more than {plan_mod.OVERDUE_DAYS} days overdue: their FSRS "
                     f"recall is discounted x{plan_mod.OVERDUE_FACTOR:g} (FSRS overestimates recall when long overdue)")
    for line in lines:
        console.print(Text(line))
    plan = plan_mod.Plan(**{**body, "days": [plan_mod.Day(**d) for d in days]})
    console.print(Text(plan.verdict(), style="green" if plan.meets else "bold red"))


def drift(store, body: dict, now: float) -> str | None:
    """How the days so far compare with the day-one forecast, and a suggestion when reality has drifted from it
    (a missed day, or answers more than 10% off the forecast so far); None before the plan's second day."""
    from . import plan as plan_mod
    from .session import plan_introduced, plan_progress, start_of_day

    today = plan_mod.today(body, now)
    if today is None or not today.past:
        return None
    done = plan_progress(store, today, start_of_day(now))
    planned = sum(f for _start, f in today.past)
    total = sum(done)
    missed = sum(d < plan_mod.MISSED_SHARE * f for (_start, f), d in zip(today.past, done, strict=True))
    line = f"so far: {total} answers against {planned:.0f} forecast"
    if planned:
        line += f" ({(total - planned) / planned:+.0%})"
    if missed:
        line += f"; {missed} plan day{'s' if missed > 1 else ''} missed: study makes up the backlog"
        line += f" at up to {today.cap} answers a day (the cap)" if today.cap is not None else ""
    new_behind = today.new_before - plan_introduced(store, today, start_of_day(now))
    if new_behind > plan_mod.NEW_SLACK:
        line += f"; {new_behind} new cards behind the forecast: study goes up to the cap until they are in"
    if missed or new_behind > plan_mod.NEW_SLACK or abs(total - planned) > 0.1 * planned:
        line += (f". Reality has drifted from the day-one plan; `quiz plan --date {body['interview'][:10]}` makes a "
                 "new one from where you are")  # fmt: skip
    return line


@click.command(name="plan", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--date", "when", metavar="YYYY-MM-DD",
              help="Interview date (taken as 09:00 local time); computes the plan and makes it active.")  # fmt: skip
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--target", type=click.FloatRange(0.5, 0.99), default=0.9, show_default=True,
              help="Recall wanted for every card on the day.")  # fmt: skip
@click.option("--max-per-day", type=click.IntRange(1), help="Cap on reviews per day  [default: reviews_per_day].")
@click.option("--minutes-per-day", type=click.FloatRange(min=0, min_open=True),
              help="Cap on minutes per day (turned into reviews with your median answer time).")  # fmt: skip
@click.option("--show", is_flag=True, help="Show the active plan.")
@click.option("--clear", is_flag=True, help="Clear the active plan: study returns to plain FSRS.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout instead of a calendar.")
@click.option("--bank", "banks", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Extra directory of question YAML files (repeatable; also QUIZ_BANKS).")  # fmt: skip
def plan(when, topics, target, max_per_day, minutes_per_day, show, clear, as_json, banks):
    """Plan the days to an interview: new cards, reviews and minutes per day, recall on the day."""
    import json

    from . import clock
    from .cli import load_bank, open_store

    if sum(map(bool, (when, show, clear))) > 1:
        raise click.UsageError("use one of --date, --show and --clear")
    if max_per_day is not None and minutes_per_day is not None:
        raise click.UsageError("use --max-per-day or --minutes-per-day, not both")
    try:
        now = clock.timestamp()
    except clock.BadClock as exc:
        raise click.UsageError(str(exc)) from None
    store = open_store()
    if clear:
        click.echo("active plan cleared; study follows plain FSRS" if store.clear_plan(now) else "no active plan")
        return
    if not when:
        body = store.active_plan()
        if body is None:
            if show:
                click.echo("Error: no active plan; make one with: quiz plan --date YYYY-MM-DD", err=True)
                sys.exit(1)
            click.echo("no active plan; make one with: quiz plan --date YYYY-MM-DD")
            return
        if not _readable(body):
            click.echo(DAMAGED, err=True)
            sys.exit(1)
        if datetime.fromisoformat(body["interview"]).timestamp() <= now:
            click.echo(f"the interview on {body['interview']} has passed; study follows plain FSRS "
                       "(quiz plan --clear removes the plan)", err=True)  # fmt: skip
    else:
        try:
            interview_date = date.fromisoformat(when)
        except ValueError:
            raise click.BadParameter(f"{when!r} is not a date; use YYYY-MM-DD", param_hint="--date") from None
        from .plan import PlanError
        from .session import Limits

        bank = load_bank(banks)
        unknown = [t for t in topics if t not in bank.topics]
        if unknown:
            raise click.BadParameter(f"unknown topic {unknown[0]!r}; choose from {', '.join(bank.topics)}",
                                     param_hint="--topic")  # fmt: skip
        limits = Limits.from_store(store)
        cap = max_per_day if max_per_day is not None or minutes_per_day is not None else limits.reviews_per_day
        try:
            result = compute(bank, store, interview_date, now, target=target, cap=cap,
                             minutes_per_day=minutes_per_day, topics=tuple(topics), limits=limits)  # fmt: skip
        except PlanError as exc:
            raise click.BadParameter(str(exc), param_hint="--date") from None
        body = result.to_dict()
        store.save_plan(body, now)
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1))
        return
    from rich.text import Text

    from . import ui

    render(body, ui.console)
    note = None if when else drift(store, body, now)
    if note:
        ui.console.print(Text(note))
