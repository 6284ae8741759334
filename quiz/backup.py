"""Backups of the study database: one a day, the last seven kept, restorable in one command.

A backup is a complete SQLite file made with SQLite's online backup API (a consistent copy even
while another quiz is writing), named backups/quiz-YYYY-MM-DD.db in the data dir. The first writing
command of a day makes that day's backup; `quiz backup make` makes (or refreshes) today's now.
Restoring keeps the current file aside as quiz.db.before-restore-<timestamp>, so nothing is lost.
No rich, no printing: cli_backup.py talks to the user.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

from . import clock
from .errors import StoreError

KEEP = 7
DIR_NAME = "backups"
NAME_RE = re.compile(r"^quiz-\d{4}-\d{2}-\d{2}\.db$")


def backup_dir(data_dir: Path) -> Path:
    return data_dir / DIR_NAME


def backups(data_dir: Path) -> list[Path]:
    """Existing backups, oldest first."""
    d = backup_dir(data_dir)
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if NAME_RE.match(p.name) and p.is_file())


def make(store, day: str | None = None) -> Path:
    """Copy the open store into backups/quiz-<day>.db (atomically), then keep only the last KEEP."""
    from .store import today

    d = backup_dir(store.path.parent)
    d.mkdir(exist_ok=True)
    dest = d / f"quiz-{day or today()}.db"
    tmp = d / f".{dest.name}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        out = sqlite3.connect(tmp)
        try:
            store.conn.backup(out)
        finally:
            out.close()
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    for old in backups(store.path.parent)[:-KEEP]:
        old.unlink(missing_ok=True)
    return dest


def daily(store) -> list[str]:
    """Make today's backup unless it exists. Returns warnings (a failed backup never stops a session)."""
    from .store import today

    if (backup_dir(store.path.parent) / f"quiz-{today()}.db").exists():
        return []
    try:
        make(store)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return [f"could not make today's backup in {backup_dir(store.path.parent)} ({reason})"]
    return []


def resolve(data_dir: Path, name: str) -> Path:
    """The backup called `name` (quiz-YYYY-MM-DD.db, or just the date); never a path elsewhere."""
    given = name
    name = name if name.endswith(".db") else f"{name}.db"
    if not name.startswith("quiz-"):
        name = f"quiz-{name}"
    path = backup_dir(data_dir) / name
    if not NAME_RE.match(name) or not path.is_file():
        known = ", ".join(p.name for p in backups(data_dir)) or "none yet"
        raise StoreError(f"no backup {given!r} in {backup_dir(data_dir)} (backups: {known})")
    return path


def restore(data_dir: Path, name: str) -> Path:
    """Replace quiz.db with the backup `name`; the current file (and its WAL) moves aside first.
    Returns the set-aside path. Refuses a backup that is not a healthy quiz database."""
    from .store import APP_ID, DB_NAME

    source = resolve(data_dir, name)
    try:
        conn = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            health = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{source} cannot be read ({exc}); choose another backup") from None
    if app_id != APP_ID or health != ["ok"]:
        raise StoreError(f"{source} is not a healthy quiz database; choose another backup")

    db = data_dir / DB_NAME
    _refuse_if_in_use(db)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(clock.timestamp()))
    aside = data_dir / f"{DB_NAME}.before-restore-{stamp}"
    tmp = data_dir / f".{DB_NAME}.restore.tmp"
    tmp.write_bytes(source.read_bytes())
    if db.exists():
        os.replace(db, aside)
        for suffix in ("-wal", "-shm"):  # SQLite finds a WAL by the database's name: keep them together
            side = data_dir / f"{DB_NAME}{suffix}"
            if side.exists():
                os.replace(side, data_dir / f"{aside.name}{suffix}")
    os.replace(tmp, db)
    return aside


def _refuse_if_in_use(db: Path) -> None:
    """A restore under a running session would be undone by its next answer: refuse while one writes."""
    if not db.exists():
        return
    try:
        conn = sqlite3.connect(db, timeout=0.1, isolation_level=None)
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(f"{db} is in use by another quiz process; finish that session first") from None
        # a damaged current file is exactly when people restore: carry on, it is kept aside
