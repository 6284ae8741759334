import sqlite3
import subprocess
import sys
import textwrap

import pytest

from quiz import scheduler
from quiz.store import DB_NAME, MIGRATIONS, Store, StoreError


def good(state):
    return scheduler.review(state, 3, scheduler.utcnow())


def test_migrates_a_new_database(quiz_home):
    store = Store.open(quiz_home)
    conn = sqlite3.connect(quiz_home / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    Store.open(quiz_home).close()  # reopening does not migrate again or fail


def test_record_writes_review_and_card_in_one_transaction(quiz_home):
    store = Store.open(quiz_home)
    rid = store.record("a.x", 3, now=1000.0, schedule=good, answer="64", correct=True, duration_ms=1200)
    [review] = store.reviews()
    assert review["id"] == rid and review["rating"] == 3 and review["answer"] == "64" and review["correct"] == 1
    card = store.card("a.x")
    assert card["stability"] > 0 and card["due"] > card["last_review"]


def test_cram_logs_without_scheduling(quiz_home):
    store = Store.open(quiz_home)
    store.record("a.x", 1, now=1000.0, schedule=None)
    assert store.card("a.x") is None
    assert store.reviews()[0]["cram"] == 1


def test_undo_restores_previous_state_and_keeps_the_log(quiz_home):
    store = Store.open(quiz_home)
    store.record("a.x", 3, now=1000.0, schedule=good)
    before = store.card("a.x")
    rid = store.record("a.x", 1, now=2000.0, schedule=lambda s: scheduler.review(s, 1, scheduler.utcnow()))
    assert store.card("a.x") != before
    store.undo(rid)
    assert store.card("a.x") == before
    assert len(store.reviews()) == 1  # the undone review is hidden from the log ...
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2  # ... but never deleted
    first = store.reviews()[0]["id"]
    store.undo(first)
    assert store.card("a.x") is None  # undoing a card's first review makes it new again


def test_corrupt_database_is_reported_and_left_alone(quiz_home):
    quiz_home.mkdir(parents=True)
    db = quiz_home / DB_NAME
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="corrupt.*move it aside"):
        Store.open(quiz_home)
    assert db.read_bytes() == b"this is not sqlite" * 100


def test_foreign_sqlite_file_is_refused_untouched(quiz_home):
    quiz_home.mkdir(parents=True)
    conn = sqlite3.connect(quiz_home / DB_NAME)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="did not create"):
        Store.open(quiz_home)
    tables = sqlite3.connect(quiz_home / DB_NAME).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("photos",)]


def test_newer_schema_is_refused(quiz_home):
    Store.open(quiz_home).close()
    conn = sqlite3.connect(quiz_home / DB_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer quiz"):
        Store.open(quiz_home)


def test_unwritable_data_dir_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("I am a file, not a directory")
    with pytest.raises(StoreError, match="cannot create data directory"):
        Store.open(blocker / "quiz")


def test_locked_database_gives_a_clear_error(quiz_home):
    store = Store.open(quiz_home)
    other = sqlite3.connect(quiz_home / DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    store.conn.execute("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(StoreError, match="locked by another quiz process"):
            store.record("a.x", 3, now=1.0, schedule=good)
    finally:
        other.execute("ROLLBACK")


def test_crash_between_answers_keeps_the_first(quiz_home):
    """A process killed right after its first answer (no cleanup, no close) keeps that answer."""
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from quiz import scheduler
        from quiz.store import Store
        store = Store.open(Path({str(quiz_home)!r}))
        store.record("a.first", 3, now=1.0, schedule=lambda s: scheduler.review(s, 3, scheduler.utcnow()))
        store.conn.execute("BEGIN IMMEDIATE")
        store.conn.execute("INSERT INTO reviews (question_id, rating, reviewed_at) VALUES ('a.second', 3, 2.0)")
        os._exit(9)  # dies mid-way through the second answer
        """
    )
    proc = subprocess.run([sys.executable, "-c", script])
    assert proc.returncode == 9
    store = Store.open(quiz_home)
    assert [r["question_id"] for r in store.reviews()] == ["a.first"]
    assert store.card("a.first") is not None


def test_two_processes_answering_at_once_lose_nothing(quiz_home):
    Store.open(quiz_home).close()
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from quiz import scheduler
        from quiz.store import Store
        store = Store.open(Path({str(quiz_home)!r}))
        for i in range(40):
            store.record(f"q.{{i % 5}}", 3, now=float(i), schedule=lambda s: scheduler.review(s, 3, scheduler.utcnow()))
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(2)]
    assert [p.wait() for p in procs] == [0, 0]
    store = Store.open(quiz_home)
    assert len(store.reviews()) == 80
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(store.known_ids()) == 5


def test_read_only_database_gives_a_clear_error(quiz_home):
    """Root ignores file permissions, so open the file read-only the way SQLite would see a read-only mount."""
    Store.open(quiz_home).close()
    conn = sqlite3.connect(f"file:{quiz_home / DB_NAME}?mode=ro", uri=True, isolation_level=None)
    store = Store(conn, quiz_home / DB_NAME)
    with pytest.raises(StoreError, match="cannot write .*writable or set QUIZ_HOME"):
        store.record("a.x", 3, now=1.0, schedule=good)
