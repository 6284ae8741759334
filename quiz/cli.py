"""The `quiz` command line. Commands parse options, call the modules and render with ui.

Heavy things (fsrs, torch, genanki) are imported inside the commands that need them,
so `quiz --help` and the first card stay fast.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import click

from . import __version__
from .cli_backup import backup
from .cli_contrib import new
from .cli_drill import drill
from .cli_plan import plan
from .errors import TYPES, QuizError
from .safe_text import clean

CARD_TYPES = (*TYPES, "drill")  # what study and exam can show: the bank's types and coding drills


def default_lang() -> str:
    for var in ("QUIZ_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class QuizGroup(click.Group):
    """Turns expected failures into one line on stderr and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except QuizError as exc:
            for line in exc.lines():
                click.echo(clean(line) if line.startswith("...") else f"Error: {clean(line)}", err=True)
            ctx.exit(1)

    def list_commands(self, ctx):  # in the order a new user meets them, not alphabetical
        return list(self.commands)

    def format_commands(self, ctx, formatter):
        """Each command's whole first sentence, wrapped, never cut off with "..." as click's default does."""
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.short_help or " ".join((cmd.help or "").split("\n\n")[0].split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _tolerate_narrow_encodings() -> None:
    """On an ASCII (or other non-UTF) stdout, print what cannot be encoded as `?` instead of raising:
    `LC_ALL=C quiz list` degrades to ASCII (rich also switches its tables to ASCII borders)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding and not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a stream that cannot change: leave it as it is
                pass


def printable(text: str) -> str:
    """Text without terminal controls, and in ASCII when stdout cannot encode more (click would otherwise
    send UTF-8 bytes to an ASCII terminal)."""
    text = clean(text)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if not encoding.lower().replace("-", "").startswith("utf"):
        try:
            text = text.encode(encoding, "replace").decode(encoding)
        except LookupError:
            pass
    return text


def bank_option(fn):
    return click.option(
        "--bank", "banks", multiple=True, type=click.Path(path_type=Path, file_okay=False),
        help="Extra directory of question YAML files (repeatable; also QUIZ_BANKS).",
    )(fn)  # fmt: skip


def lang_option(fn):
    return click.option(
        "--lang", type=click.Choice(["en", "zh"]), default=default_lang, show_default="QUIZ_LANG, else the locale, else en",
        help="Language of questions, answers and the whole interface.",
    )(fn)  # fmt: skip


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout instead of a table.")(fn)


def require_terminal(command: str) -> None:
    """Interactive commands exit 2 with one line when stdin is a pipe or a file."""
    if not sys.stdin.isatty():
        click.echo(f"Error: `quiz {command}` is interactive and needs a terminal; stdin is not one. "
                   "Use `quiz list` or `quiz show` to read questions in scripts.", err=True)  # fmt: skip
        sys.exit(2)


def check_filters(bank, topics: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> None:
    """The same one line (with the closest names) and exit 2 for an unknown --topic or --tag, in every command."""
    from .filters import unknown_filter

    problem = unknown_filter(bank, tuple(topics), tuple(tags))
    if problem:
        click.echo(f"Error: {printable(problem)}", err=True)
        sys.exit(2)


def load_bank(banks: tuple[Path, ...]):
    from .bank import default_dirs, load_cached
    from .paths import data_dir

    bank, _lint = load_cached(default_dirs(list(banks)), data_dir())
    return bank


def card_bank(banks: tuple[Path, ...], types: tuple[str, ...] = ()):
    """The bank plus the coding drills as cards (type `drill`), kept to `types` if given."""
    from .bank import Bank
    from .drill_log import with_drills

    bank = with_drills(load_bank(banks))
    if types:
        bank = Bank(tuple(q for q in bank.questions if q.type in types), bank.titles)
    return bank


def open_store(write: bool = False):
    """The study database; `write`: this command records something (health check, daily backup)."""
    from .paths import data_dir
    from .store import Store

    store = Store.open(data_dir(), write=write)
    for warning in store.warnings:
        click.echo(f"Warning: {warning}", err=True)
    return store


@click.group(cls=QuizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="quiz")
def cli():
    """Study LLM / transformer interview questions with spaced repetition.

    Every answer can be proven: press v on a card (or run `quiz verify`) to run a small
    torch program that measures the claim. Progress lives in QUIZ_HOME (default: the
    platform's user data directory).
    """
    _tolerate_narrow_encodings()


@cli.command()
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable); see `quiz topics`.")
@click.option("--tag", "tags", multiple=True, help="Only questions with this tag (repeatable).")
@click.option("--type", "types", multiple=True, type=click.Choice(CARD_TYPES), help="Only this card type (repeatable).")
@click.option("--cram", is_flag=True, help="Study every matching card now without changing the schedule.")
@click.option("--new", "new_per_day", type=click.IntRange(0), help="New cards per day for this session.")
@click.option("--max-reviews", type=click.IntRange(0), help="Maximum reviews per day for this session.")
@click.option("--seed", type=int, help="Seed for shuffling choices and drawing parameters.")
@lang_option
@bank_option
def study(topics, tags, types, cram, new_per_day, max_reviews, seed, lang, banks):
    """Study the cards that are due, then new ones (Enter reveals, 1-4 rate, q quits)."""
    require_terminal("study")
    from .interactive import study as run_study
    from .session import Limits, Session, without_drafts

    bank = card_bank(banks, types)
    check_filters(bank, topics, tags)
    bank, drafts = without_drafts(bank)
    for problem in drafts:  # `quiz new` scaffolds: refused until their TODOs are filled in
        click.echo(printable(f"{problem}; skipped until it is filled in (quiz check)"), err=True)
    store = open_store(write=True)
    store.adopt_renamed(bank.renames)  # renamed or merged questions keep their history
    limits = Limits.from_store(store)
    if new_per_day is not None or max_reviews is not None:
        from dataclasses import replace

        limits = replace(limits, new_per_day=limits.new_per_day if new_per_day is None else new_per_day,
                         reviews_per_day=limits.reviews_per_day if max_reviews is None else max_reviews)  # fmt: skip
    if store.setting("welcomed") is None:
        from . import ui

        ui.console.print(ui.welcome_panel(store.path.parent, lang))
        store.set_setting("welcomed", "1")
    session = Session.start(bank, store, topics=tuple(topics), tags=tuple(tags), types=tuple(types), cram=cram,
                            limits=limits, rng=random.Random(seed))  # fmt: skip
    status = run_study(session, bank, lang, random.Random(seed))
    if status:
        sys.exit(status)


@cli.command()
@click.option("-n", "--count", type=click.IntRange(1), default=10, show_default=True, help="Number of questions.")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True),
              help="Time limit, counted down while each question is open; what is open at the end is unanswered.")
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only questions with this tag (repeatable).")
@click.option("--type", "types", multiple=True, type=click.Choice(CARD_TYPES), help="Only this card type (repeatable).")
@click.option("--seed", type=int, help="Seed for choosing and shuffling questions.")
@click.option("--answers", "answers_file", type=click.File("r", encoding="utf-8"),
              help="Answer from this file, one line per question (mcq letter or text, number, cloze gaps "
                   "split by |, y/n for self-rated; empty: unanswered); no terminal needed.")  # fmt: skip
@lang_option
@bank_option
def exam(count, minutes, topics, tags, types, seed, answers_file, lang, banks):
    """Mock interview: N random questions across topics, no hints, scored at the end."""
    if answers_file is None:
        require_terminal("exam")
    from .session import Session, exam_queue, without_drafts

    bank, _drafts = without_drafts(card_bank(banks, types))
    rng = random.Random(seed)
    check_filters(bank, topics, tags)
    items = exam_queue(bank, count, rng, topics=tuple(topics), tags=tuple(tags))
    if not items:
        click.echo("Error: no questions match those filters", err=True)
        sys.exit(1)
    from collections import deque

    session = Session(open_store(write=True), deque(items), cram=True)  # logged, never rescheduled
    if answers_file is not None:
        from .interactive import scripted_exam

        text = answers_file.read(1 << 20)
        status = scripted_exam(session, bank, lang, rng, text.splitlines())
    else:
        from .interactive import exam as run_exam

        status = run_exam(session, bank, lang, rng, minutes)
    if status:
        sys.exit(status)


@cli.command(name="list")
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--type", "types", multiple=True, type=click.Choice(TYPES), help="Only this type (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only questions with this tag (repeatable).")
@click.option("-s", "--search", help="Only questions whose id, prompt or answer contains this text (either language).")
@json_option
@lang_option
@bank_option
def list_(topics, types, tags, search, as_json, lang, banks):
    """List questions (id, type, difficulty, verifier, prompt)."""
    from .grading import normalise
    from .session import matches

    bank = load_bank(banks)
    check_filters(bank, topics, tags)
    chosen = [q for q in bank.questions if matches(q, topics, tags) and (not types or q.type in types)]
    if search:
        needle = normalise(search)

        def haystack(q) -> str:
            answer = (q.answer.en, q.answer.zh) if q.answer else ()
            return normalise(" ".join([q.id, q.prompt.en, q.prompt.zh, *answer]))

        chosen = [q for q in chosen if needle in haystack(q)]
    if as_json:
        from .bank import dump_json

        click.echo(dump_json(chosen))
        return
    from . import ui
    from .ui_tables import emit, output_width

    emit([ui.questions_sheet(chosen, lang)], output_width(ui.console))


@cli.command()
@click.argument("question_id")
@json_option
@lang_option
@bank_option
def show(question_id, as_json, lang, banks):
    """Show one question with its answer, explanation and sources."""
    bank = load_bank(banks)
    q = bank.by_id.get(question_id)
    if q is None:
        import difflib

        close = difflib.get_close_matches(question_id, list(bank.by_id), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `quiz list`"
        click.echo(f"Error: no question with id {question_id!r}{hint}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(q.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from . import ui
    from .ui_tables import output_width

    Console(width=output_width(ui.console) or 80, highlight=False).print(ui.question_panel(q, lang))


@cli.command()
@json_option
@lang_option
@bank_option
def topics(as_json, lang, banks):
    """Count questions per topic and type, and how many a verifier proves."""
    bank = load_bank(banks)
    rows = []
    for topic in bank.topics:
        qs = [q for q in bank.questions if q.topic == topic]
        counts = {ty: sum(q.type == ty for q in qs) for ty in TYPES}
        counts_verified = sum(bool(q.verifier or (q.numeric and q.numeric.value_from)) for q in qs)
        title = bank.titles[topic].get(lang) if topic in bank.titles else topic
        from_posts = any("post" in s for q in qs for s in q.sources)  # else: "beyond the posts"
        rows.append((topic, title, counts, counts_verified, from_posts))
    if as_json:
        click.echo(json.dumps([{"topic": t, "title": ti, "types": c, "verified": v, "total": sum(c.values()),
                                "parametric": sum(q.parametric for q in bank.questions if q.topic == t),
                                "from_posts": fp} for t, ti, c, v, fp in rows], ensure_ascii=False, indent=2))  # fmt: skip
        return
    from . import ui
    from .ui_tables import emit, output_width

    emit([ui.topics_sheet(rows, TYPES)], output_width(ui.console))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
              help="text: path:line:col: CODE message; github: Actions annotations; json: an array.")  # fmt: skip
@click.option("--codes", is_flag=True, help="List the problem codes and what they mean.")
@click.option("--against", "ref", metavar="REF", default=None,
              help="Git ref whose question ids must survive (Q016).  [default: main, else origin/main]")  # fmt: skip
@click.option("--run-verifiers", is_flag=True, help="Also run every referenced verifier (Q022; imports torch).")
@bank_option
def check(fmt, codes, ref, run_verifiers, banks):
    """Validate every question bank; exit 1 listing file:line problems if any."""
    if codes:
        from .drills import CODES as DRILL_CODES
        from .problems import CODES

        for code, meaning in {**CODES, **DRILL_CODES}.items():
            click.echo(f"{code}  {meaning}")
        return
    from .bank import default_dirs, load
    from .lint import lint

    dirs = default_dirs(list(banks))
    bank, problems = load(dirs, strict=False)
    problems += lint(bank, dirs, ref=ref, run_verifiers=run_verifiers)
    from .drills import check_all as check_drills
    from .drills import names as drill_names

    problems += check_drills(bank)
    problems = sorted(problems)
    if fmt == "json":
        from dataclasses import asdict

        click.echo(json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2))
    else:
        for p in problems:
            click.echo(printable(p.github() if fmt == "github" else str(p)))
    if problems:
        click.echo(f"{len(problems)} problem(s) in the banks.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(bank.questions)} questions in {len(bank.topics)} topics, {len(drill_names())} drills, "
               "no problems.", err=True)  # fmt: skip


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--list", "list_only", is_flag=True, help="List the registered verifiers and their claims.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed passed to each verifier.")
@click.option("--update", is_flag=True, help="Rewrite verifiers/expected.json (values for value_from).")
@click.option("--plot", is_flag=True, help="Draw each verifier's figures in the terminal under its checks.")
@click.option("--html", "html_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a self-contained HTML report (claims, checks, SVG figures) to this file; needs matplotlib.")
@lang_option
@json_option
def verify(names, list_only, seed, update, plot, html_file, lang, as_json):
    """Run verifiers (all, or the NAMES given): expected vs measured, exit 1 on any failure."""
    from . import verify as verifiers

    known = verifiers.names()
    for name in names:
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, known, n=1)
            click.echo(f"Error: unknown verifier {name!r}" + (f"; did you mean {close[0]!r}?" if close else
                       "; see `quiz verify --list`"), err=True)  # fmt: skip
            sys.exit(1)
    chosen = list(names) or known
    if list_only:
        claims = {n: verifiers.claim(n) for n in chosen}
        if as_json:
            click.echo(json.dumps([{"name": n, "claim": c} for n, c in claims.items()], ensure_ascii=False, indent=2))
        else:
            for n, c in claims.items():
                click.echo(printable(f"{n:28} {c}"))
        return
    if html_file:
        from . import html_report

        html_report.require()  # before any work: one line if the extra is missing
        if not html_file.parent.is_dir():
            click.echo(f"Error: cannot write {html_file}: directory {html_file.parent} does not exist", err=True)
            sys.exit(1)
    import time

    from . import ui

    wall = time.perf_counter()
    results = []
    draw = bool(plot or html_file or as_json)
    status = ui.err_console.status("loading torch…", spinner="dots") if ui.err_console.is_terminal else None
    if status:
        status.start()
    try:
        for i, name in enumerate(chosen, 1):
            if status:
                status.update(f"{i}/{len(chosen)} {name}…")
            results.append(verifiers.run(name, seed=seed, figures=draw))
    finally:
        if status:
            status.stop()
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        ui.console.print(ui.verify_table(results, lang, plot))
        failed = [r.name for r in results if not r.passed]
        total = sum(r.seconds for r in results)
        ui.console.print(ui.plain(f"{len(results) - len(failed)}/{len(results)} verifiers passed: {total:.2f} s of "
                                  f"checks, {time.perf_counter() - wall:.1f} s with loading torch"
                                  + (f"; FAILED: {', '.join(failed)}" if failed else "")))  # fmt: skip
    if html_file:
        try:
            size = html_report.write(results, html_file, lang, seed)
        except OSError as exc:
            click.echo(f"Error: cannot write {html_file}: {exc.strerror or exc}", err=True)
            sys.exit(1)
        click.echo(f"wrote {html_file} ({size / 1024:.0f} KB)", err=True)
    if update:
        if names:
            click.echo("Error: --update rewrites the whole table; run it without names", err=True)
            sys.exit(2)
        verifiers.write_expected(results)
        click.echo(f"wrote {verifiers.EXPECTED_FILE}", err=True)
    if not all(r.passed for r in results):
        sys.exit(1)


@cli.command(context_settings={"ignore_unknown_options": True})  # `quiz config new_per_day -1` is a bad VALUE
@click.argument("key", required=False)
@click.argument("value", required=False)
@json_option
def config(key, value, as_json):
    """Show settings, or set one: quiz config new_per_day 30."""
    from .session import SETTINGS, Limits

    store = open_store(write=True)
    if key is None:
        limits = Limits.from_store(store)
        if as_json:
            data = {name: getattr(limits, name) for name in SETTINGS}
            click.echo(json.dumps({**data, "fsrs_parameters": limits.parameters}, indent=2))
            return
        for name, (_, help_) in SETTINGS.items():
            click.echo(f"{name:16} {getattr(limits, name):<8} {help_}")
        fitted = "fitted" if limits.parameters else "default"
        click.echo(f"{'fsrs_parameters':16} {fitted:<8} FSRS weights (`quiz optimize` fits them to your reviews)")
        return
    if key not in SETTINGS:
        raise click.BadParameter(f"unknown setting {key!r}; choose from {', '.join(SETTINGS)}", param_hint="KEY")
    if value is None:
        click.echo(getattr(Limits.from_store(store), key))
        return
    valid, help_ = SETTINGS[key]
    try:
        ok = valid(value)
    except ValueError:
        ok = False
    if not ok:
        raise click.BadParameter(f"{value!r} is not valid for {key}: {help_}", param_hint="VALUE")
    store.set_setting(key, value)
    click.echo(f"{key} = {value}")


@cli.command()
@click.option("--reset", is_flag=True, help="Go back to the default FSRS parameters.")
@click.option("--dry-run", is_flag=True, help="Fit and show the parameters without saving them.")
def optimize(reset, dry_run):
    """Fit the FSRS scheduler to your own review history (needs 512+ reviews of mature cards)."""
    store = open_store(write=True)
    if reset:
        store.set_setting("fsrs_parameters", "")
        click.echo("Using the default FSRS parameters.")
        return
    from . import ui
    from .optimize import MIN_MATURE_REVIEWS, fit

    with ui.err_console.status("fitting FSRS parameters to your reviews (loading torch)…", spinner="dots"):
        result = fit(store)
    if result.parameters is None:
        click.echo(f"{result.mature} reviews of mature cards so far (of {result.reviews} scheduled reviews); the "
                   f"optimizer needs at least {MIN_MATURE_REVIEWS}. Keeping the current parameters.")  # fmt: skip
        return
    ui.console.print(ui.parameters_table(result.defaults, result.parameters))
    if dry_run:
        click.echo("Dry run: nothing saved.")
        return
    store.set_setting("fsrs_parameters", json.dumps(list(result.parameters)))
    click.echo(f"Saved parameters fitted on {result.mature} reviews; `quiz optimize --reset` undoes this.")


@cli.command()
@click.option("--days", type=click.IntRange(1, 365), default=7, show_default=True, help="Days in the due forecast.")
@json_option
@bank_option
def stats(as_json, days, banks):
    """Your progress: per topic, due forecast, true retention, leeches and streak."""
    from . import stats as progress
    from .drill_log import card_drills, card_drills_dir, drill_stats

    store = open_store()
    result = progress.compute(load_bank(banks), store, days=days)
    if card_drills_dir() is not None:
        result.extra["drills"] = drill_stats(store, card_drills(card_drills_dir()))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from . import ui
    from .ui_tables import emit, output_width

    emit(ui.stats_parts(result), output_width(ui.console))


@cli.command()
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (default: quiz-<lang>.apkg); with --format markdown, the directory.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["apkg", "markdown"]), default="apkg", show_default=True,
              help="apkg: an Anki deck; markdown: a printable cheat sheet per topic, written into DEST.")  # fmt: skip
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only questions with this tag (repeatable).")
@lang_option
@bank_option
def export(dest, output, fmt, topics, tags, lang, banks):
    """Export questions as an Anki deck (.apkg; re-importing updates notes, never duplicates) or as Markdown
    cheat sheets (quiz export --format markdown DIR)."""
    from .export import export as write_apkg
    from .session import matches

    if dest and output:
        raise click.UsageError("give the destination once: as DEST or as -o")
    output = dest or output
    if fmt == "markdown" and output is None:
        raise click.UsageError("--format markdown needs a directory: quiz export --format markdown DIR")

    bank = load_bank(banks)
    check_filters(bank, topics, tags)
    chosen = [q for q in bank.questions if matches(q, topics, tags)]
    if not chosen:
        click.echo("Error: no questions match those filters", err=True)
        sys.exit(1)
    if fmt == "markdown":
        _export_markdown(bank, chosen, lang, output)
        return
    if output and output.is_dir():
        click.echo(f"Error: {output} is a directory; give the .apkg file to write (or --format markdown)", err=True)
        sys.exit(1)
    path = output or Path(f"quiz-{lang}.apkg")
    if output is None:
        click.echo(f"No -o given: writing {path} in the current directory ({Path.cwd()}).", err=True)
    try:
        n = write_apkg(bank, chosen, lang, path)
    except OSError as exc:
        click.echo(f"Error: cannot write {path}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"wrote {n} notes in {len({q.topic for q in chosen})} decks to {path}")


def _export_markdown(bank, chosen, lang: str, directory: Path) -> None:
    from .export_md import export_markdown

    if directory.exists() and not directory.is_dir():
        click.echo(f"Error: {directory} is a file; --format markdown writes one file per topic into a directory",
                   err=True)  # fmt: skip
        sys.exit(1)
    try:
        files = export_markdown(bank, chosen, lang, directory)
    except OSError as exc:
        click.echo(f"Error: cannot write to {directory}: {exc.strerror}", err=True)
        sys.exit(1)
    sheets = f"{len(files)} cheat sheet{'s' if len(files) != 1 else ''}"
    click.echo(f"wrote {len(chosen)} questions in {sheets} to {directory} (index.md lists them)")


cli.add_command(new)
cli.add_command(plan)
cli.add_command(backup)
cli.add_command(drill)

if __name__ == "__main__":
    cli()
