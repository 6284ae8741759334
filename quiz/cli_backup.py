"""`quiz backup`: list, make and restore backups of the study database (quiz/backup.py does the work)."""

from __future__ import annotations

import json
import sys

import click


def _interactive() -> bool:
    return sys.stdin.isatty()


def _data_dir():
    from .paths import data_dir

    return data_dir()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def backup() -> None:
    """List, make or restore backups of your progress (one is made daily, the last 7 kept)."""


@backup.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout instead of a table.")
def list_(as_json: bool) -> None:
    """List the backups, oldest first, with their size and number of reviews."""
    import sqlite3

    from .backup import backup_dir, backups

    rows = []
    for path in backups(_data_dir()):
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            reviews = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            reviews = None
        rows.append({"name": path.name, "bytes": path.stat().st_size, "reviews": reviews})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"No backups yet in {backup_dir(_data_dir())}; `quiz backup make` makes one.")
        return
    for r in rows:
        reviews = "unreadable" if r["reviews"] is None else f"{r['reviews']} reviews"
        click.echo(f"{r['name']:20} {r['bytes'] / 2**20:8.1f} MiB   {reviews}")


@backup.command()
def make() -> None:
    """Back up the database now (replaces today's backup)."""
    from .backup import make as make_backup
    from .store import Store

    store = Store.open(_data_dir(), write=True)  # checks the file's health first: never back up damage
    try:
        path = make_backup(store)
    except OSError as exc:
        raise click.ClickException(f"cannot write the backup ({exc.strerror})") from None
    finally:
        store.close()
    click.echo(f"wrote {path}")


@backup.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
def restore(name: str, yes: bool) -> None:
    """Replace the database with backup NAME (e.g. quiz-2026-12-01.db); the current one is kept aside."""
    from .backup import resolve
    from .backup import restore as restore_backup

    data = _data_dir()
    source = resolve(data, name)  # a one-line error before asking anything
    if not yes:
        if not _interactive():
            click.echo("Error: restoring replaces your progress; pass --yes to confirm without a terminal", err=True)
            sys.exit(2)
        click.confirm(f"Replace your progress with {source.name}? The current database is kept aside", abort=True)
    try:
        aside = restore_backup(data, name)
    except OSError as exc:
        raise click.ClickException(f"cannot restore ({exc.strerror}); nothing was changed") from None
    click.echo(f"restored {source.name}; the previous database is kept as {aside}")
