"""Pinned store API (quiz/store.py) found by mutation testing: plans, settings, reads, the day, the lock timeout,
opening (configuration, migrations, the daily check), renames and the errors that name the file."""

import shutil
import sqlite3
import time
from types import SimpleNamespace

import pytest

from quiz import store as store_mod
from quiz.store import APP_ID, AnswerNotSaved, Store, StoreBusy, StoreError

DAY = 86400
NOW = time.mktime((2026, 3, 10, 12, 0, 0, 0, 0, -1))


def fixed(due: float, state: int = 2):
    return lambda _b: {"state": state, "step": None, "stability": 5.0, "difficulty": 5.0, "due": due,
                       "last_review": due - 5 * DAY}  # fmt: skip


def test_plans(store):
    assert store.active_plan() is None and store.clear_plan(NOW) is False
    store.save_plan({"b": 2, "a": 1}, NOW)
    store.save_plan({"second": True}, NOW + 10)
    assert store.active_plan() == {"second": True}
    rows = store.conn.execute("SELECT created_at, body, cleared_at FROM plans ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [(NOW, '{"a": 1, "b": 2}', NOW + 10), (NOW + 10, '{"second": true}', None)]
    assert store.clear_plan(NOW + 20) is True and store.active_plan() is None and store.clear_plan(NOW + 30) is False
    store.conn.execute("INSERT INTO plans (created_at, body) VALUES (?, ?)", (NOW, "not json"))
    assert store.active_plan() == {}
    store.conn.execute("INSERT INTO plans (created_at, body) VALUES (?, ?)", (NOW, "[1, 2]"))
    assert store.active_plan() == {}


def test_settings(store):
    assert store.setting("x") is None and store.setting("x", "dflt") == "dflt"
    store.set_setting("x", "1")
    store.set_setting("x", "2")
    store.set_setting("y", "3")
    assert (store.setting("x"), store.setting("y"), store.setting("x", "dflt")) == ("2", "3", "2")


def test_reads(store):
    store.record("a.1", 3, now=NOW - 3 * DAY, schedule=fixed(NOW - DAY), answer="x", correct=True)
    store.record("b.1", 1, now=NOW - 2 * DAY, schedule=fixed(NOW + DAY))
    store.record("a.1", 2, now=NOW - DAY, schedule=fixed(NOW + 2 * DAY))
    store.record("c.1", 4, now=NOW - 30 * DAY, schedule=None)  # cram
    undone = store.record("b.1", 4, now=NOW - 3600, schedule=fixed(NOW + 5 * DAY))
    store.undo(undone)
    assert [r["rating"] for r in store.reviews()] == [3, 1, 2, 4]
    assert [r["rating"] for r in store.reviews("a.1")] == [3, 2] and store.reviews("zz.1") == []
    assert [tuple(r) for r in store.scheduled_reviews()] == [("a.1", 3, NOW - 3 * DAY, None),
                                                           ("b.1", 1, NOW - 2 * DAY, None),
                                                           ("a.1", 2, NOW - DAY, None)]  # fmt: skip
    assert store.next_due(NOW) == NOW + DAY and store.next_due(NOW + DAY) == NOW + 2 * DAY
    assert store.next_due(NOW + 2 * DAY) is None
    assert sorted(store.due_times()) == [NOW + DAY, NOW + 2 * DAY]
    assert store.known_ids() == {"a.1", "b.1"} and store.introduced_since(NOW - 2 * DAY) == 1
    assert store.introduced_since(NOW - 3 * DAY) == 2 and store.reviews_since(NOW - 2 * DAY) == 2
    assert set(store.card_states()) == {"a.1", "b.1"} and store.card_states()["a.1"]["due"] == NOW + 2 * DAY
    days = store.review_days(NOW - 5 * DAY)
    assert days == {time.strftime("%Y-%m-%d", time.localtime(NOW - k * DAY)) for k in (0, 1, 2, 3)}
    assert store.review_days(NOW - 1.5 * DAY) == {store_mod.today(NOW - DAY), store_mod.today(NOW)}
    assert [c.question_id for c in store.due_cards(NOW)] == []
    assert [c.question_id for c in store.due_cards(NOW + 3 * DAY)] == ["b.1", "a.1"]


def test_undo_errors_and_answer_errors(store):
    with pytest.raises(StoreError, match="no review 42"):
        store.undo(42)
    err = AnswerNotSaved("msg", busy=True)
    assert err.busy is True and str(err) == "msg"
    store.conn.execute("BEGIN IMMEDIATE")  # another writer holds the lock: a busy store names the answer
    other = Store.open(store.path.parent, timeout=0.05)
    with pytest.raises(AnswerNotSaved, match=r"your answer to a\.1 \(Hard\) was not saved") as info:
        other.record("a.1", 2, now=NOW, schedule=None)
    assert info.value.busy is True
    store.conn.execute("ROLLBACK")
    other.close()


def test_today_and_lock_timeout(monkeypatch):
    assert store_mod.today(NOW) == "2026-03-10" and store_mod.today(NOW + DAY) == "2026-03-11"
    monkeypatch.setenv("QUIZ_NOW", "2026-12-24T10:00")
    assert store_mod.today() == "2026-12-24"
    for raw, want in (("2.5", 2.5), ("0", 0.0), ("-3", 0.0), ("soon", 5.0)):
        monkeypatch.setenv("QUIZ_LOCK_TIMEOUT", raw)
        assert store_mod.lock_timeout() == want
    monkeypatch.delenv("QUIZ_LOCK_TIMEOUT")
    assert store_mod.lock_timeout() == 5.0


def test_busy_and_explained_errors(store, tmp_path):
    explain = store_mod._explain
    p = tmp_path / "quiz.db"
    assert isinstance(explain(p, sqlite3.OperationalError("database is locked")), StoreBusy)
    assert "is locked by another quiz process" in str(explain(p, sqlite3.OperationalError("database is locked")))
    assert "the disk is full" in str(explain(p, sqlite3.OperationalError("database or disk is full")))
    assert "make the directory writable" in str(explain(p, sqlite3.OperationalError("attempt to write a readonly database")))
    assert "is corrupt" in str(explain(p, sqlite3.DatabaseError("file is not a database")))
    assert str(explain(p, sqlite3.OperationalError("something else"))) == f"{p}: something else"


# --- opening: configuration, migration, the daily check -------------------------------------------------------


@pytest.fixture
def statements(monkeypatch) -> list[str]:
    """Every SQL statement run by any connection opened from here on (sqlite3's trace callback)."""
    ran, real_connect = [], sqlite3.connect

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(ran.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    return ran


def writes(ran: list[str]) -> list[str]:
    return [s for s in ran if s.split()[0].upper() in ("BEGIN", "INSERT", "UPDATE", "DELETE", "CREATE")]


def test_open_configures_the_connection(quiz_home, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_LOCK_TIMEOUT", "2.5")
    store = Store.open(quiz_home)
    c = store.conn
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
    assert (c.execute("PRAGMA user_version").fetchone()[0], c.execute("PRAGMA application_id").fetchone()[0]) == (2, APP_ID)
    assert (c.execute("PRAGMA journal_mode").fetchone()[0], c.execute("PRAGMA synchronous").fetchone()[0]) == ("wal", 1)
    c.execute("INSERT INTO settings VALUES ('k', 'v')")  # autocommit: the store begins its own transactions
    other = sqlite3.connect(quiz_home / "quiz.db")
    assert other.execute("SELECT value FROM settings").fetchall() == [("v",)]
    other.close()
    store.close()
    nested = tmp_path / "a" / "b" / "c"  # parents are made
    store = Store.open(nested, timeout=0.05)
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 50 and store.path == nested / "quiz.db"
    store.close()


def test_a_fresh_store_is_not_checked_and_a_reading_open_writes_nothing(quiz_home, statements):
    store = Store.open(quiz_home, write=True)  # created now: nothing to check yet
    assert store.setting("quick_check_day") is None and store.warnings == []
    assert [p.name for p in (quiz_home / "backups").iterdir()] == [f"quiz-{store_mod.today()}.db"]
    store.close()
    statements.clear()
    store = Store.open(quiz_home)  # a reading command: no check, no backup, no write, nothing to warn about
    assert writes(statements) == [] and "PRAGMA quick_check" not in statements and store.warnings == []
    store.close()
    Store.open(quiz_home, write=True).close()  # the first writing command of the day checks, and records it
    assert statements.count("PRAGMA quick_check") == 1
    assert Store.open(quiz_home).setting("quick_check_day") == store_mod.today()
    statements.clear()
    Store.open(quiz_home, write=True).close()  # checked and backed up today already: opening writes nothing
    assert writes(statements) == [] and "PRAGMA quick_check" not in statements


def test_the_check_passes_even_when_it_cannot_be_recorded(quiz_home, statements):
    Store.open(quiz_home).close()
    other = sqlite3.connect(quiz_home / "quiz.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another quiz is answering a card
    store = Store.open(quiz_home, write=True, timeout=0)
    assert "PRAGMA quick_check" in statements and store.setting("quick_check_day") is None and store.warnings == []
    store.close()
    other.execute("ROLLBACK")
    other.close()
    assert Store.open(quiz_home, write=True).setting("quick_check_day") == store_mod.today()


def test_a_failed_backup_is_a_warning(quiz_home):
    Store.open(quiz_home).close()
    (quiz_home / "backups").write_text("a file where the backups directory should be")
    store = Store.open(quiz_home, write=True)
    assert store.warnings == [f"could not make today's backup in {quiz_home / 'backups'} (File exists)"]
    store.close()


def version_one(home) -> sqlite3.Connection:
    """A store as the first release left it: the first migration only, one card and one review."""
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "quiz.db", isolation_level=None)
    for statement in store_mod._statements(store_mod.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO cards (question_id, state, due, introduced) VALUES ('a.1', 2, 5.0, 1.0)")
    conn.execute("INSERT INTO reviews (question_id, rating, reviewed_at) VALUES ('a.1', 3, 1.0)")
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.execute("PRAGMA user_version = 1")
    return conn


def test_an_older_store_is_migrated_and_keeps_its_progress(quiz_home):
    version_one(quiz_home).close()
    store = Store.open(quiz_home, write=True)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == 2 and store.known_ids() == {"a.1"}
    assert [r["rating"] for r in store.reviews()] == [3] and store.active_plan() is None
    store.save_plan({"x": 1}, NOW)
    assert store.active_plan() == {"x": 1}
    store.close()


def test_a_migration_that_fails_leaves_the_store_at_its_version(quiz_home):
    conn = version_one(quiz_home)
    conn.execute("CREATE TABLE plans (x)")  # the second migration cannot create it
    conn.close()
    with pytest.raises(StoreError) as info:
        Store.open(quiz_home)
    assert type(info.value) is StoreError and str(info.value) == f"{quiz_home / 'quiz.db'}: table plans already exists"
    conn = sqlite3.connect(quiz_home / "quiz.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT question_id FROM cards").fetchall() == [("a.1",)]
    conn.close()


class Reports(sqlite3.Connection):
    """A real SQLite connection whose PRAGMA quick_check reports what the test sets (a list of rows or an error)."""

    report: list | Exception = ["ok"]

    def execute(self, sql, *args):
        if sql != "PRAGMA quick_check":
            return super().execute(sql, *args)
        if isinstance(self.report, Exception):
            raise self.report
        return iter([(r,) for r in self.report])


@pytest.mark.parametrize("report, first", [
    (["*** in database main ***\nPage 7: never used\n\n   \nOn tree page 3 cell 0: bad", "Page 9: never used"],
     "Page 7: never used and 2 more"),
    (["Page 7: never used", "Page 8: never used"], "Page 7: never used and 1 more"),
    (["Page 7: never used"], "Page 7: never used"),
    (["*** in database main ***"], "not ok"),
    (sqlite3.DatabaseError("database disk image is malformed"), "database disk image is malformed"),
])  # fmt: skip
def test_quick_check_reports_its_first_finding(report, first, quiz_home, monkeypatch):
    Store.open(quiz_home).close()
    db = quiz_home / "quiz.db"
    before = db.read_bytes()
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=Reports, **k))
    monkeypatch.setattr(Reports, "report", report)
    with pytest.raises(StoreError) as info:
        Store.open(quiz_home, write=True)
    assert str(info.value) == (f"{db} is damaged (quick_check: {first}); nothing was written to it. Restore a backup "
                               "(`quiz backup list`, `quiz backup restore NAME`) or move it aside")  # fmt: skip
    assert db.read_bytes() == before and not (quiz_home / "backups").exists()
    monkeypatch.setattr(Reports, "report", ["ok"])
    assert Store.open(quiz_home, write=True).setting("quick_check_day") == store_mod.today()


# --- failures after opening: each names the file -----------------------------------------------------------------


def test_reads_and_writes_on_a_broken_store_name_the_file(store):
    db = store.path
    store.conn.execute("DROP TABLE plans")
    for call in (store.active_plan, lambda: store.save_plan({}, NOW), lambda: store.clear_plan(NOW)):
        with pytest.raises(StoreError) as info:
            call()
        assert type(info.value) is StoreError and str(info.value) == f"{db}: no such table: plans"
    store.conn.execute("DROP TABLE cards")
    with pytest.raises(StoreError) as info:
        store.known_ids()
    assert str(info.value) == f"{db}: no such table: cards"


def test_a_locked_store_names_the_answer_and_the_file(store):
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store.conn.execute("PRAGMA busy_timeout = 0")
    with pytest.raises(AnswerNotSaved) as info:
        store.record("a.1", 9, now=NOW, schedule=None)
    assert str(info.value) == (f"your answer to a.1 (9) was not saved: {store.path} is locked by another quiz process; "
                               "finish that session and try again") and info.value.busy is True  # fmt: skip
    with pytest.raises(StoreBusy) as info:
        store.set_setting("k", "v")
    assert str(info.value) == f"{store.path} is locked by another quiz process; finish that session and try again"
    other.execute("ROLLBACK")
    other.close()


def test_a_failed_write_is_rolled_back_whole(store):
    def boom(_before):
        raise ValueError("schedule failed")

    with pytest.raises(ValueError, match="schedule failed"):
        store.record("a.1", 3, now=NOW, schedule=boom)  # the review row was inserted, then rolled back
    assert store.reviews() == [] and not store.conn.in_transaction
    with pytest.raises(AnswerNotSaved) as info:  # an SQLite error inside the transaction: rolled back and explained
        store.record("a.1", 3, now=NOW, schedule=lambda _b: {"state": 2})
    assert str(info.value).startswith(f"your answer to a.1 (Good) was not saved: {store.path}: ")
    assert info.value.busy is False
    assert store.reviews() == [] and not store.conn.in_transaction


def test_explain_names_the_cause(tmp_path, monkeypatch):
    p = tmp_path / "quiz.db"
    free = {"bytes": 10**9}
    asked = []

    def disk_usage(directory):
        asked.append(directory)
        return SimpleNamespace(total=10**10, used=10**10 - free["bytes"], free=free["bytes"])

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    locked = f"{p} is locked by another quiz process; finish that session and try again"
    full = f"cannot write {p}: the disk is full; free some space and try again"
    corrupt = "{p} is corrupt ({m}); move it aside (your progress is in it, so keep a copy) or set QUIZ_HOME to start fresh"
    cases = {
        "database is locked": (StoreBusy, locked),
        "the database is busy": (StoreBusy, locked),
        "database or disk is full": (StoreError, full),
        "disk I/O error": (StoreError, f"cannot write {p} (disk I/O error); make the directory writable or set QUIZ_HOME "
                                       "elsewhere"),
        "attempt to write a readonly database": (StoreError, f"cannot write {p} (attempt to write a readonly database); "
                                                             "make the directory writable or set QUIZ_HOME elsewhere"),
        "unable to open database file": (StoreError, f"cannot write {p} (unable to open database file); make the "
                                                     "directory writable or set QUIZ_HOME elsewhere"),
        "file is not a database": (StoreError, corrupt.format(p=p, m="file is not a database")),
        "database disk image is malformed": (StoreError, corrupt.format(p=p, m="database disk image is malformed")),
        "corrupt index": (StoreError, corrupt.format(p=p, m="corrupt index")),
        "no such table: x": (StoreError, f"{p}: no such table: x"),
    }  # fmt: skip
    for msg, (kind, text) in cases.items():
        got = store_mod._explain(p, sqlite3.OperationalError(msg))
        assert (type(got), str(got)) == (kind, text), msg
    assert asked == [tmp_path]  # only an I/O error asks about the disk
    free["bytes"] = 1000  # nearly full: an I/O error is the full disk; other errors stay what they are
    assert str(store_mod._explain(p, sqlite3.OperationalError("disk I/O error"))) == full
    assert str(store_mod._explain(p, sqlite3.OperationalError("attempt to write a readonly database"))).startswith(
        f"cannot write {p} (attempt to write")


def test_nearly_full_means_under_64_kib_free(tmp_path, monkeypatch):
    def usage(free):
        def disk_usage(directory):
            assert directory == tmp_path
            return SimpleNamespace(total=10**9, used=10**9 - free, free=free)

        return disk_usage

    for free, want in ((64 * 1024 - 1, True), (64 * 1024, False), (0, True), (10**8, False)):
        monkeypatch.setattr(shutil, "disk_usage", usage(free))
        assert store_mod._nearly_full(tmp_path) is want, free
    monkeypatch.undo()
    assert store_mod._nearly_full(tmp_path / "missing") is False  # cannot tell: not full


# --- renames: adopt_renamed ----------------------------------------------------------------------------------------


def reviewed_at(last_review: float | None, stability: float = 5.0):
    return lambda _b: {"state": 2, "step": None, "stability": stability, "difficulty": 5.0, "due": NOW + DAY,
                       "last_review": last_review}  # fmt: skip


def test_renames_take_the_newest_state_and_every_review(store):
    for qid, last, stab in (("o.x1", NOW - 3 * DAY, 1.0), ("o.x2", NOW - DAY, 2.0), ("o.x3", None, 3.0),
                            ("o.y2", NOW - DAY, 4.0), ("o.y1", NOW - DAY, 5.0), ("n.z", NOW, 6.0), ("o.z", NOW, 7.0)):
        store.record(qid, 3, now=NOW, schedule=reviewed_at(last, stab))  # fmt: skip
    store.record("o.x1", 1, now=NOW + 1, schedule=None)  # a cram answer follows too
    renames = {"o.y2": "n.y", "o.x3": "n.x", "o.z": "n.z", "o.none": "n.none", "o.x1": "n.x", "o.y1": "n.y", "o.x2": "n.x"}
    assert store.adopt_renamed(renames) == ["o.x1", "o.x2", "o.x3", "o.y1", "o.y2"]
    assert store.known_ids() == {"n.x", "n.y", "n.z", "o.z"}  # n.z had its own progress: o.z stays
    states = store.card_states()
    assert (states["n.x"]["stability"], states["n.x"]["last_review"]) == (2.0, NOW - DAY)  # the newest; never-reviewed last
    assert states["n.y"]["stability"] == 5.0  # a tie goes to the first id
    assert (states["n.z"]["stability"], states["o.z"]["stability"]) == (6.0, 7.0)
    assert [r["question_id"] for r in store.reviews()] == ["n.x", "n.x", "n.x", "n.y", "n.y", "n.z", "o.z", "n.x"]
    assert store.adopt_renamed(renames) == [] and store.adopt_renamed({}) == []


def test_renames_with_nothing_to_adopt_do_not_wait_for_the_lock(store):
    store.record("o.z", 3, now=NOW, schedule=reviewed_at(NOW))
    store.record("n.z", 3, now=NOW, schedule=reviewed_at(NOW))
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another quiz is answering a card
    store.conn.execute("PRAGMA busy_timeout = 0")
    assert store.adopt_renamed({"o.none": "n.none", "o.z": "n.z"}) == []  # nothing to write: no transaction
    other.execute("ROLLBACK")
    other.close()


def test_renames_another_quiz_handled_meanwhile_are_skipped(store):
    for qid in ("o.a", "o.b"):
        store.record(qid, 3, now=NOW, schedule=reviewed_at(NOW))
    only = store.record("o.d", 3, now=NOW, schedule=reviewed_at(NOW))
    known_before = store.known_ids

    def known_then_another_quiz_writes():
        known = known_before()
        other = Store.open(store.path.parent)
        assert other.adopt_renamed({"o.a": "n.a"}) == ["o.a"]  # the same rename, adopted by the other session
        other.undo(only)  # o.d is new again: there is nothing left to adopt
        other.close()
        return known

    store.known_ids = known_then_another_quiz_writes
    assert store.adopt_renamed({"o.a": "n.a", "o.b": "n.b", "o.d": "n.d"}) == ["o.b"]
    del store.known_ids
    assert store.known_ids() == {"n.a", "n.b"}
