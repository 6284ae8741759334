"""Daily backups (the last 7 kept) and `quiz backup list | make | restore`."""

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import cli_backup
from quiz.cli import cli
from quiz.store import DB_NAME, Store

FIXTURE = Path(__file__).parent / "data" / "bank"


@pytest.fixture(autouse=True)
def fixed_env(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    monkeypatch.setenv("QUIZ_NOW", "2026-12-01T10:00")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def answered(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    rows = [r[0] for r in conn.execute("SELECT question_id FROM reviews ORDER BY id")]
    conn.close()
    return rows


def names(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "backups").iterdir())


def test_the_first_writing_open_of_a_day_makes_that_days_backup(quiz_home):
    Store.open(quiz_home).close()  # reading: no backup
    assert not (quiz_home / "backups").exists()
    store = Store.open(quiz_home, write=True)
    store.record("basics.scale-why", 3, now=1.0, schedule=None)
    store.close()
    backup = quiz_home / "backups" / "quiz-2026-12-01.db"
    assert answered(backup) == []  # made before the day's first answer
    before = sha(backup)
    Store.open(quiz_home, write=True).close()  # same day: not made again
    assert sha(backup) == before and names(quiz_home) == ["quiz-2026-12-01.db"]


def test_only_the_last_seven_are_kept(quiz_home, monkeypatch):
    for day in range(1, 11):
        monkeypatch.setenv("QUIZ_NOW", f"2026-12-{day:02d}T09:00")
        Store.open(quiz_home, write=True).close()
    assert names(quiz_home) == [f"quiz-2026-12-{d:02d}.db" for d in range(4, 11)]


def test_restore_round_trip(quiz_home):
    store = Store.open(quiz_home, write=True)
    store.record("basics.scale-why", 3, now=1.0, schedule=None)
    store.close()
    made = CliRunner().invoke(cli, ["backup", "make"])
    assert made.exit_code == 0 and made.output.strip().endswith("backups/quiz-2026-12-01.db")
    store = Store.open(quiz_home, write=True)
    store.record("basics.scale-mcq", 1, now=2.0, schedule=None)  # made after the backup
    store.close()
    listed = CliRunner().invoke(cli, ["backup", "list"])
    assert re.fullmatch(r"quiz-2026-12-01\.db +\d+\.\d MiB +1 reviews\n", listed.output), listed.output

    result = CliRunner().invoke(cli, ["backup", "restore", "quiz-2026-12-01.db", "--yes"])
    assert result.exit_code == 0, result.output
    aside = quiz_home / "quiz.db.before-restore-20261201-100000"
    assert result.output == f"restored quiz-2026-12-01.db; the previous database is kept as {aside}\n"
    assert answered(quiz_home / DB_NAME) == ["basics.scale-why"]  # the later review is gone ...
    assert answered(aside) == ["basics.scale-why", "basics.scale-mcq"]  # ... and kept aside
    store = Store.open(quiz_home, write=True)  # the restored file is a working store
    store.record("basics.var-d64", 3, now=3.0, schedule=None)
    assert [r["question_id"] for r in store.reviews()] == ["basics.scale-why", "basics.var-d64"]
    store.close()


def make_backup(home: Path) -> Path:
    store = Store.open(home, write=True)
    store.record("basics.scale-why", 3, now=1.0, schedule=None)
    store.close()
    return home / DB_NAME


@pytest.mark.parametrize("args, code, pattern", [
    (["backup", "restore", "quiz-2026-12-01.db"], 2,
     r"Error: restoring replaces your progress; pass --yes to confirm without a terminal"),
    (["backup", "restore", "../quiz.db", "--yes"], 1,
     r"Error: no backup '\.\./quiz\.db' in \S+/backups \(backups: quiz-2026-12-01\.db\)"),
    (["backup", "restore", "2026-11-30", "--yes"], 1,
     r"Error: no backup '2026-11-30' in \S+/backups \(backups: quiz-2026-12-01\.db\)"),
])  # fmt: skip
def test_restore_refusals_are_one_line_and_change_nothing(quiz_home, args, code, pattern):
    db = make_backup(quiz_home)
    before = sha(db)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == code and "Traceback" not in result.output
    assert re.fullmatch(pattern, result.stderr.strip()), result.stderr
    assert sha(db) == before and list(quiz_home.glob("quiz.db.before-restore-*")) == []


def test_a_damaged_backup_is_not_restored(quiz_home):
    db = make_backup(quiz_home)
    backup = quiz_home / "backups" / "quiz-2026-12-01.db"
    backup.write_bytes(b"x" * 8192)
    before = sha(db)
    result = CliRunner().invoke(cli, ["backup", "restore", "2026-12-01", "--yes"])
    assert result.exit_code == 1
    assert re.fullmatch(r"Error: \S+/quiz-2026-12-01\.db cannot be read \(file is not a database\); choose another backup",
                        result.stderr.strip()), result.stderr  # fmt: skip
    assert sha(db) == before


@pytest.mark.parametrize("answer, restored", [("n\n", False), ("y\n", True)])
def test_restore_asks_first_at_a_terminal(quiz_home, monkeypatch, answer, restored):
    make_backup(quiz_home)
    store = Store.open(quiz_home, write=True)
    store.record("basics.scale-mcq", 1, now=2.0, schedule=None)
    store.close()
    monkeypatch.setattr(cli_backup, "_interactive", lambda: True)
    result = CliRunner().invoke(cli, ["backup", "restore", "quiz-2026-12-01.db"], input=answer)
    assert "Replace your progress with quiz-2026-12-01.db? The current database is kept aside" in result.output
    assert result.exit_code == (0 if restored else 1)
    expected = [] if restored else ["basics.scale-why", "basics.scale-mcq"]
    assert answered(quiz_home / DB_NAME) == expected  # the backup predates both answers


def test_list_without_backups(quiz_home):
    result = CliRunner().invoke(cli, ["backup", "list"])
    assert result.exit_code == 0 and result.output.startswith("No backups yet in ")
