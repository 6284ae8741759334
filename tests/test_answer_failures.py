"""An answer that cannot be written is never dropped silently: a full disk is one line naming the answer,
a busy store is retried (saying so), and the learner can retry (r) or quit (q)."""

import io
import re
import sqlite3
from collections import deque
from pathlib import Path

import pytest
from rich.console import Console

from quiz import bank as bank_module
from quiz import interactive, ui
from quiz.session import Item, Session
from quiz.store import DB_NAME, Store

FIXTURE = Path(__file__).parent / "data" / "bank"


class FailingWrites:
    """A connection whose next `fails` review inserts raise the given SQLite error (the rest is real)."""

    def __init__(self, conn, message: str, fails: int):
        self.conn, self.message, self.fails = conn, message, fails

    def execute(self, sql, *args):
        if sql.lstrip().startswith("INSERT INTO reviews") and self.fails:
            self.fails -= 1
            raise sqlite3.OperationalError(self.message)
        return self.conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.conn, name)


@pytest.fixture
def screen(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(ui, "console", Console(file=out, width=120, highlight=False))
    return out


def scripted(monkeypatch, answers: dict, on_retry_prompt=None):
    """Keys by prompt: reveal -> Enter, rating -> 4 (Easy), the retry prompt -> from `answers['retry']`."""
    asked = []

    def key(valid, **_kw):  # deadline/tick: the exam's countdown (quiz.keys)
        if valid == {"r", "q"}:
            asked.append("retry")
            if on_retry_prompt:
                on_retry_prompt()
            return answers["retry"].pop(0)
        if "1" in valid:
            return "4"  # Easy: a new card graduates, so it is not shown again this session
        return "enter"

    monkeypatch.setattr(interactive, "key", key)
    return asked


BANK, _ = bank_module.load([FIXTURE])


def one_card_session(store: Store) -> Session:
    return Session(store, deque([Item(BANK.by_id["basics.scale-why"], is_new=True)]))


def reviews(home: Path) -> list:
    conn = sqlite3.connect(home / DB_NAME)
    rows = conn.execute("SELECT question_id, rating FROM reviews").fetchall()
    conn.close()
    return rows


def test_full_disk_is_one_line_naming_the_answer_and_quitting_exits_1(quiz_home, screen, monkeypatch):
    store = Store.open(quiz_home)
    store.conn = FailingWrites(store.conn, "database or disk is full", fails=10)
    asked = scripted(monkeypatch, {"retry": ["q"]})
    status = interactive.study(one_card_session(store), BANK, "en")
    out = screen.getvalue()
    assert status == 1 and asked == ["retry"]
    errors = [ln for ln in out.splitlines() if "Error" in ln]
    assert len(errors) == 1
    assert re.fullmatch(r"Error: your answer to basics\.scale-why \(Easy\) was not saved: cannot write \S+/quiz\.db: "
                        r"the disk is full; free some space and try again", errors[0].strip()), errors  # fmt: skip
    assert "r to retry, q to quit" in out and "Traceback" not in out
    assert "Cards done: 0" in out  # the summary still prints, and does not count the unsaved answer
    assert reviews(quiz_home) == []


def test_retry_after_a_full_disk_saves_the_same_answer(quiz_home, screen, monkeypatch):
    store = Store.open(quiz_home)
    store.conn = FailingWrites(store.conn, "database or disk is full", fails=1)
    asked = scripted(monkeypatch, {"retry": ["r"]})
    status = interactive.study(one_card_session(store), BANK, "en")
    assert status == 0 and asked == ["retry"]
    assert "Cards done: 1" in screen.getvalue()
    assert reviews(quiz_home) == [("basics.scale-why", 4)]


def test_a_write_lock_held_by_another_process_is_retried_then_offered(quiz_home, screen, monkeypatch):
    Store.open(quiz_home).close()
    store = Store.open(quiz_home, timeout=0.05)
    other = sqlite3.connect(quiz_home / DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another quiz, mid-write, for longer than our timeout
    asked = scripted(monkeypatch, {"retry": ["r"]}, on_retry_prompt=lambda: other.execute("ROLLBACK"))
    status = interactive.study(one_card_session(store), BANK, "en")
    out = screen.getvalue()
    assert status == 0 and asked == ["retry"]
    assert out.count("another quiz is writing; retrying...") == interactive.AUTO_RETRIES
    errors = [ln.strip() for ln in out.splitlines() if "Error" in ln]
    assert len(errors) == 1 and re.fullmatch(
        r"Error: your answer to basics\.scale-why \(Easy\) was not saved: \S+/quiz\.db is locked by another quiz "
        r"process; finish that session and try again", errors[0]), errors  # fmt: skip
    assert reviews(quiz_home) == [("basics.scale-why", 4)]  # saved once the lock was released
    other.close()


def test_a_lock_that_never_clears_and_quit_says_so(quiz_home, screen, monkeypatch):
    Store.open(quiz_home).close()
    store = Store.open(quiz_home, timeout=0.05)
    other = sqlite3.connect(quiz_home / DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    scripted(monkeypatch, {"retry": ["r", "q"]})
    status = interactive.study(one_card_session(store), BANK, "en")
    out = screen.getvalue()
    assert status == 1
    assert out.count("another quiz is writing; retrying...") == 2 * interactive.AUTO_RETRIES
    assert out.count("was not saved") == 2 and "Traceback" not in out
    other.execute("ROLLBACK")
    other.close()
    assert reviews(quiz_home) == []


def test_exam_answers_get_the_same_protection(quiz_home, screen, monkeypatch):
    store = Store.open(quiz_home)
    store.conn = FailingWrites(store.conn, "database or disk is full", fails=1)
    bank, _ = bank_module.load([FIXTURE])
    session = Session(store, deque([Item(bank.by_id["basics.scale-why"], is_new=False)]), cram=True)
    monkeypatch.setattr(interactive, "key",
                        lambda valid, **_kw: "r" if valid == {"r", "q"} else "y" if "y" in valid else "enter")
    import random

    assert interactive.exam(session, bank, "en", random.Random(0)) == 0
    assert "was not saved" in screen.getvalue()
    assert reviews(quiz_home) == [("basics.scale-why", 3)]  # self-graded right: logged as Good


def fill(path) -> None:
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass  # the disk is full now


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs (needs root, as on our machines and in CI); skipped where it cannot be mounted."""
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_during_an_answer(tiny_disk):
    """The real thing, through a pseudo-terminal: the disk fills up between opening the store and answering."""
    import os
    import shutil
    import sys

    import pexpect

    home = tiny_disk / "home"
    env = {**os.environ, "QUIZ_HOME": str(home), "QUIZ_QUESTIONS_DIR": str(FIXTURE), "QUIZ_LANG": "en"}
    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    child = pexpect.spawn(quiz, ["study", "--seed", "1"], env=env, encoding="utf-8", timeout=20, dimensions=(50, 200))
    child.expect("show answer")
    fill(tiny_disk / "filler")  # the disk fills up while the learner thinks
    child.send("\r")
    child.expect("1-4 rate")
    child.send("4")
    child.expect(r"Error: your answer to basics\.scale-why \(Easy\) was not saved: cannot write \S+/quiz\.db: the disk is "
                 r"full; free some space and try again")  # fmt: skip
    child.expect("r to retry, q to quit")
    child.send("q")
    child.expect("Cards done: 0")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1 and "Traceback" not in child.before
    (tiny_disk / "filler").unlink()
    assert reviews(home) == []


def test_a_disk_already_full_at_start_says_so(tiny_disk):
    from click.testing import CliRunner

    from quiz.cli import cli

    home = tiny_disk / "home"
    Store.open(home, write=True).close()
    fill(tiny_disk / "filler")
    result = CliRunner().invoke(cli, ["config", "new_per_day", "3"], env={"QUIZ_HOME": str(home)})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.fullmatch(r"Error: cannot write \S+/quiz\.db: the disk is full; free some space and try again\n",
                        result.stderr), result.stderr  # fmt: skip


def test_the_retry_messages_are_in_the_session_language(quiz_home, screen, monkeypatch):
    Store.open(quiz_home).close()
    store = Store.open(quiz_home, timeout=0.05)
    other = sqlite3.connect(quiz_home / DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    scripted(monkeypatch, {"retry": ["q"]})
    assert interactive.study(one_card_session(store), BANK, "zh") == 1
    out = screen.getvalue()
    assert out.count("另一个 quiz 正在写入；重试中...") == interactive.AUTO_RETRIES
    assert "错误：your answer to basics.scale-why" in out and "r 重试，q 退出" in out
    assert "retrying" not in out and "r to retry" not in out
    other.execute("ROLLBACK")
    other.close()
