"""Pinned store API (quiz/store.py) found by mutation testing: plans, settings, reads, the day, the lock timeout."""

import sqlite3
import time

import pytest

from quiz import store as store_mod
from quiz.store import AnswerNotSaved, Store, StoreBusy, StoreError

DAY = 86400
NOW = time.mktime((2026, 3, 10, 12, 0, 0, 0, 0, -1))


@pytest.fixture
def store(quiz_home):
    s = Store.open(quiz_home)
    yield s
    s.close()


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
