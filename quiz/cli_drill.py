"""`quiz drill`: list drills, practise one in your editor, or judge a file from a script.

Registered in cli.py with `cli.add_command(drill)`. The learner's code is judged in a sandboxed
child process (quiz/sandbox.py); nothing here imports torch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import QuizError


def _lang() -> str:
    from .cli import default_lang

    return default_lang()


def _record(drill, rating: int, given: str, correct: bool) -> None:
    """One review of the card drill.<name>, scheduled like any other card."""
    from collections import deque

    from .drill_log import as_question
    from .paths import data_dir
    from .session import Item, Limits, Session
    from .store import Store

    store = Store.open(data_dir())
    session = Session(store, deque([Item(as_question(drill), is_new=store.card(drill.question_id) is None)]),
                      Limits.from_store(store))  # fmt: skip
    session.answer(rating, given=given, correct=correct)


def _listing(as_json: bool, lang: str) -> None:
    from .drill_log import card_drills, status
    from .paths import data_dir
    from .store import Store

    found = card_drills()
    if as_json:
        click.echo(json.dumps([d.summary() for d in found], ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    from . import ui

    store = Store.open(data_dir())
    table = Table(title="Drills: `quiz drill NAME` to practise one", title_justify="left", box=None,
                  pad_edge=False)  # fmt: skip
    # one line per drill at any width: the name and status never shrink, the title gives way first
    table.add_column("drill", no_wrap=True, min_width=max((len(d.name) for d in found), default=5))
    table.add_column("status", no_wrap=True, min_width=11)
    narrow = ui.console.width < 72  # below that the topic column is left out rather than squeezed
    if not narrow:
        table.add_column("topic", no_wrap=True, overflow="ellipsis", max_width=20)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=1)
    colours = {"passed": "green", "failing": "red", "due": "yellow", "never tried": "dim"}
    for d in found:
        st = status(d, store)
        topic = [] if narrow else [Text(d.topic)]
        table.add_row(Text(d.name), Text(st, style=colours[st]), *topic, Text(d.title.get(lang)))
    ui.console.print(table)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name", required=False)
@click.option("--file", "file_", type=click.Path(path_type=Path, dir_okay=False),
              help="Judge this file without prompting; exit 0 on pass, 1 on fail.")  # fmt: skip
@click.option("--stub", is_flag=True, help="Print the drill's starting stub and exit.")
@click.option("--history", "show_history", is_flag=True, help="List your earlier attempts at this drill.")
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False),
              help="Where your solution files live (default: <data dir>/drills).")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the judge's random inputs.")
@click.option("--timeout", type=click.FloatRange(0.5, 600), default=10.0, show_default=True,
              help="Wall-clock seconds allowed for judging one attempt.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout instead of a table.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=_lang, show_default="from locale, else en",
              help="Language of prompts, hints and feedback.")  # fmt: skip
def drill(name, file_, stub, show_history, directory, seed, timeout, as_json, lang):
    """Coding drills: list them, or write NAME in your editor until the judge passes it."""
    if name is None:
        if file_ or stub or show_history:
            raise click.UsageError("--file, --stub and --history need a drill NAME")
        _listing(as_json, lang)
        return
    from . import drills

    d = drills.find(name)
    if stub:
        click.echo(d.stub(), nl=False)
        return
    if show_history:
        from .drill_log import history

        attempts = history(d.name)
        if as_json:
            click.echo(json.dumps([{"when": a.when, "file": str(a.path), "passed": a.passed, "verdict": a.headline}
                                   for a in attempts], ensure_ascii=False, indent=2))  # fmt: skip
            return
        if not attempts:
            click.echo(f"No attempts at {d.name} yet; `quiz drill {d.name}` starts one.")
        for a in attempts:
            mark = "PASS" if a.passed else ("FAIL" if a.passed is False else "?")
            click.echo(f"{a.when}  {mark:4}  {a.path}  {a.headline}")
        return
    if file_ is not None:
        _judge_file(d, file_, seed, timeout, as_json, lang)
        return
    if not sys.stdin.isatty():
        click.echo(f"Error: `quiz drill {d.name}` is interactive and needs a terminal; judge a file with "
                   f"`quiz drill {d.name} --file PATH`.", err=True)  # fmt: skip
        sys.exit(2)
    _interactive(d, directory, seed, timeout, lang)


def _judge_file(d, path: Path, seed: int, timeout: float, as_json: bool, lang: str) -> None:
    from . import drill_log, sandbox

    source = sandbox.read_source(path)  # QuizError: one line
    verdict = sandbox.judge(d, path, seed=seed, timeout=timeout)
    record = {**verdict.to_dict(), "headline": verdict.headline()}
    drill_log.save_attempt(d, source, record)
    _record(d, drill_log.GOOD if verdict.passed else drill_log.AGAIN, "pass" if verdict.passed else "fail",
            verdict.passed)  # fmt: skip
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        from .drill_ui import verdict_panel
        from .ui import console

        console.print(verdict_panel(verdict, d, lang))
    sys.exit(0 if verdict.passed else 1)


def _interactive(d, directory, seed: int, timeout: float, lang: str) -> None:
    from . import ui
    from .drill_log import as_question
    from .drill_ui import key, practice
    from .paths import data_dir
    from .sandbox import Worker
    from .session import Item, Limits, Session
    from .store import Store

    store = Store.open(data_dir())
    worker = Worker(d.directory.parent)
    try:
        outcome = practice(d, lang, directory=directory, worker=worker, seed=seed, timeout=timeout)
    except KeyboardInterrupt:
        ui.console.print()
        return
    finally:
        worker.close()
    if not outcome.attempts:
        return
    from collections import deque

    item = Item(as_question(d), is_new=store.card(d.question_id) is None)
    session = Session(store, deque([item]), Limits.from_store(store))
    proposed = outcome.rating()
    ui.console.print(ui.rating_bar(session.preview(item), lang, proposed))
    ui.console.print(("1-4 rate · Enter " if lang == "en" else "1-4 评分 · 回车 ") + ui.RATING_NAME[lang][proposed],
                     style="dim")  # fmt: skip
    try:
        k = key({"1", "2", "3", "4", "enter", " ", "q"})
    except KeyboardInterrupt:
        k = "q"
    if k == "q":
        return
    rating = proposed if k in ("enter", " ") else int(k)
    session.answer(rating, given=outcome.given(), correct=outcome.passed)
    ui.console.print(f"Recorded {ui.RATING_NAME[lang][rating]} for {d.question_id}.", style="dim")


__all__ = ["drill", "QuizError"]
