"""`quiz new`: scaffold a question (and optionally a verifier) for contributors.

Kept apart from cli.py so it can be tested on its own; cli.py adds it with
`cli.add_command(new)`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from .errors import TYPES
from .safe_text import clean

TOPIC_RE = re.compile(r"^[a-z][a-z0-9_]*$")  # as in bank.py, without loading the YAML machinery


def _interactive() -> bool:
    """Prompts only when a person is at the keyboard; scripts get an error naming the option."""
    return sys.stdin.isatty()


def _ask_or_fail(value: str | None, option: str, prompt: str, **kwargs) -> str:
    if value:
        return value
    if not _interactive():
        raise click.UsageError(f"missing {option} (stdin is not a terminal, so quiz cannot ask for it)")
    return click.prompt(prompt, **kwargs)


def _cannot_write(exc: OSError, directory: Path) -> None:
    """One line for a bank or verifier directory that cannot be written, then exit 1."""
    where = exc.filename or directory
    click.echo(f"Error: cannot write {clean(str(where))} ({exc.strerror or exc}); choose a writable directory "
               "with --bank-dir / --verifier-dir", err=True)  # fmt: skip
    sys.exit(1)


def _topic_type(value: str) -> str:
    if not TOPIC_RE.match(value):
        raise click.BadParameter(f"{value!r}: lowercase letters, digits and _, starting with a letter")
    return value


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--topic", help="Topic: the question goes to <bank-dir>/<topic>.yaml (created if new).")
@click.option("--type", "qtype", type=click.Choice(TYPES), help="Question type.")
@click.option("--id", "slug", metavar="SLUG", help="The id's slug: the question gets <topic>.<slug>.")
@click.option("--verifier", "verifier", metavar="NAME",
              help="Also create verifiers/NAME.py (alone: only the verifier).")  # fmt: skip
@click.option("--claim", help="The verifier's claim, one sentence (its docstring).")
@click.option("--bank-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Directory of the bank files.  [default: the built-in questions/]")  # fmt: skip
@click.option("--verifier-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Directory for the new verifier.  [default: the built-in verifiers/]")  # fmt: skip
def new(topic: str | None, qtype: str | None, slug: str | None, verifier: str | None, claim: str | None,
        bank_dir: Path | None, verifier_dir: Path | None) -> None:  # fmt: skip
    """Add a question template to a bank (and a verifier with --verifier); prints file:line."""
    from . import paths, scaffold
    from .bank import Bank, display_path, load, parse_yaml
    from .verify import NAME

    bank_dir = bank_dir or paths.questions_dir()
    verifier_dir = verifier_dir or paths.VERIFIERS_DIR
    want_question = not verifier or topic or qtype or slug

    if verifier:
        if not NAME.match(verifier):
            raise click.BadParameter(f"{verifier!r}: lowercase letters, digits and _",
                                     param_hint="--verifier")  # fmt: skip
        if (verifier_dir / f"{verifier}.py").exists():
            click.echo(f"Error: {display_path(verifier_dir / f'{verifier}.py')} already exists", err=True)
            sys.exit(1)

    if want_question:
        topic = _topic_type(_ask_or_fail(topic, "--topic", "Topic (e.g. attention; a new one creates a bank)",
                                         value_proc=_topic_type))  # fmt: skip
        qtype = _ask_or_fail(qtype, "--type", "Type", type=click.Choice(TYPES), default="flashcard")
        # ids are unique across every bank studied together: the built-in ones, QUIZ_BANKS and this one
        every = (paths.questions_dir(), *paths.extra_bank_dirs(), bank_dir)
        dirs = {d.resolve(): d for d in every if d.is_dir()}
        bank, _ = load(list(dirs.values()), strict=False)
        path = bank_dir / f"{topic}.yaml"
        if path.exists():
            _, broken = parse_yaml(path.read_text(encoding="utf-8"), display_path(path))
            if any(p.code in ("Q002", "Q019") for p in broken):
                click.echo(f"Error: {clean(str(broken[0]))}; fix it before adding a question", err=True)
                sys.exit(1)
        if slug is None and _interactive():
            slug = click.prompt("Id slug (lowercase words, e.g. why-scale)", default=f"todo-{qtype}")
        qid = scaffold.next_id(bank, topic, slug or f"todo-{qtype}")
        wanted = scaffold.next_id(Bank(()), topic, slug or f"todo-{qtype}")
        if slug and qid != wanted:
            click.echo(f"Error: id {wanted} is taken (ids are never reused); try --id {qid.split('.', 1)[1]}",
                       err=True)  # fmt: skip
            sys.exit(1)
        block = scaffold.question_template(qid, qtype, verifier=verifier)
        created = not path.exists()
        try:
            if created and not bank_dir.is_dir():
                bank_dir.mkdir(parents=True)
            before = path.read_bytes() if not created else None
            line = scaffold.append_question(path, block)
        except ValueError as exc:
            click.echo(f"Error: {clean(str(exc))}", err=True)
            sys.exit(1)
        except OSError as exc:
            _cannot_write(exc, bank_dir)
        # The file must still parse, and hold the new question; otherwise put it back as it was.
        data, found = parse_yaml(path.read_text(encoding="utf-8"), display_path(path))
        qs = data.get("questions") if isinstance(data, dict) else None
        ids = [q.get("id") for q in qs if isinstance(q, dict)] if isinstance(qs, list) else []
        if any(p.code in ("Q002", "Q019") for p in found) or qid not in ids:
            if before is None:
                path.unlink()
            else:
                scaffold._write_atomic(path, before.decode("utf-8"))
            click.echo(f"Error: could not append to {display_path(path)} cleanly; add the question by hand:\n"
                       + block, err=True)  # fmt: skip
            sys.exit(1)
        click.echo(f"{display_path(path)}:{line}: added {qid} ({qtype})" + ("; new topic" if created else ""))

    if verifier:
        if claim is None and _interactive():
            claim = click.prompt("The claim, in one sentence", default="", show_default=False)
        vpath = verifier_dir / f"{verifier}.py"
        try:
            verifier_dir.mkdir(parents=True, exist_ok=True)
            scaffold._write_atomic(vpath, scaffold.verifier_template(verifier, claim or ""))
        except OSError as exc:
            _cannot_write(exc, verifier_dir)
        click.echo(f"{display_path(vpath)}:1: added verifier {verifier}; "
                   "it fails until you fill in the TODOs")  # fmt: skip

    click.echo("Next: replace every TODO, then run `quiz check`"
               + (f" and `quiz verify {verifier}`" if verifier else "") + ".", err=True)  # fmt: skip
