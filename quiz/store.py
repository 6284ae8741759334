"""Study progress in SQLite: one row of FSRS state per card and an append-only review log.

Every answer is one transaction (BEGIN IMMEDIATE .. COMMIT): a crash or Ctrl-C
between answers never loses an answered card, and two sessions at once never
corrupt anything (WAL, busy timeout, card state re-read inside the transaction).
The store never deletes or overwrites a file it does not recognise.

It also protects itself: a file that is a directory, read-only, another application's SQLite
database or damaged (PRAGMA quick_check, at most once a day for writing commands: it costs about
0.3 s on a 10k-card / 1M-review store, see benchmarks/store_health.py) is refused before anything
is written, and a writing command makes the day's backup (backup.py) when it first opens the store.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import clock
from .errors import StoreError

CHECK_KEY = "quick_check_day"  # settings: local date of the last passed PRAGMA quick_check
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class StoreBusy(StoreError):
    """Another process holds the write lock past the busy timeout: worth retrying."""


class AnswerNotSaved(StoreError):
    """Recording an answer failed; the message names the answer, `busy` says whether a retry may help."""

    def __init__(self, message: str, busy: bool):
        super().__init__(message)
        self.busy = busy


LOCK_TIMEOUT = 5.0  # seconds, unless QUIZ_LOCK_TIMEOUT says otherwise


def lock_timeout() -> float:
    """Seconds to wait for another quiz's write lock (QUIZ_LOCK_TIMEOUT, default LOCK_TIMEOUT)."""
    try:
        return max(float(os.environ.get("QUIZ_LOCK_TIMEOUT", LOCK_TIMEOUT)), 0.0)
    except ValueError:
        return LOCK_TIMEOUT


def today(now: float | None = None) -> str:
    """The local date (YYYY-MM-DD) of `now` (default: clock.timestamp())."""
    import time

    return time.strftime("%Y-%m-%d", time.localtime(clock.timestamp() if now is None else now))

DB_NAME = "quiz.db"
APP_ID = 0x5155495A  # "QUIZ" in PRAGMA application_id: marks the file as ours

# Ordered migrations: user_version N means the first N have run. Append only; never edit one.
MIGRATIONS = [
    """
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        state INTEGER NOT NULL,          -- fsrs.State: 1 learning, 2 review, 3 relearning
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due REAL NOT NULL,               -- unix seconds
        last_review REAL,
        introduced REAL NOT NULL,        -- first scheduled review: counts against new cards per day
        content_hash TEXT                -- the question's hash when last reviewed: notices edits
    );
    CREATE INDEX cards_due ON cards(due);
    CREATE INDEX cards_introduced ON cards(introduced);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        answer TEXT,
        correct INTEGER,                 -- NULL for self-rated cards
        duration_ms INTEGER,
        reviewed_at REAL NOT NULL,
        cram INTEGER NOT NULL DEFAULT 0, -- cram reviews are logged but never change the schedule
        content_hash TEXT,
        state_before TEXT                -- JSON card row before this review; NULL if it was new
    );
    CREATE INDEX reviews_at ON reviews(reviewed_at);
    CREATE INDEX reviews_question ON reviews(question_id);
    CREATE TABLE undone (
        review_id INTEGER PRIMARY KEY REFERENCES reviews(id),
        undone_at REAL NOT NULL
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    """
    CREATE TABLE plans (                 -- interview-date plans; the active one is the newest not cleared
        id INTEGER PRIMARY KEY,
        created_at REAL NOT NULL,
        body TEXT NOT NULL,              -- the plan as JSON (quiz.plan.Plan.to_dict())
        cleared_at REAL
    );
    """,
]

# SQL text is written in triple quotes, which mutmut does not mutate: its upper- and lower-case variants of SQL are
# equivalent mutants (SQLite ignores the case of keywords and names). See docs/mutation.md.
STATE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review")


def _statements(script: str) -> list[str]:
    """Split a migration into statements (semicolons inside comments or strings are not ends)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out


@dataclass(frozen=True)
class DueCard:
    question_id: str
    due: float
    stability: float | None
    last_review: float | None
    state: int
    content_hash: str | None


def _preflight(path: Path) -> None:
    """Refuse a quiz.db that is not a regular, writable file before SQLite touches it."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read {path} ({exc.strerror}); set QUIZ_HOME elsewhere") from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path} is a directory, not quiz's database file; move it away or set QUIZ_HOME elsewhere")
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not a regular file; move it away or set QUIZ_HOME elsewhere")
    if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise StoreError(f"{path} is read-only (the file, not its directory); make it writable with "
                         f"`chmod u+w {path}` or set QUIZ_HOME elsewhere")  # fmt: skip


def _nearly_full(directory: Path) -> bool:
    """SQLite reports a full disk as an I/O error when it cannot grow its shared-memory file."""
    import shutil

    try:
        return shutil.disk_usage(directory).free < 64 * 1024
    except OSError:
        return False


def _explain(path: Path, exc: sqlite3.Error) -> StoreError:
    msg = str(exc)
    if "locked" in msg or "busy" in msg:
        return StoreBusy(f"{path} is locked by another quiz process; finish that session and try again")
    if "disk is full" in msg or ("disk I/O" in msg and _nearly_full(path.parent)):
        return StoreError(f"cannot write {path}: the disk is full; free some space and try again")
    if "readonly" in msg or "unable to open" in msg or "disk I/O" in msg:
        return StoreError(f"cannot write {path} ({msg}); make the directory writable or set QUIZ_HOME elsewhere")
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreError(f"{path} is corrupt ({msg}); move it aside (your progress is in it, "
                          "so keep a copy) or set QUIZ_HOME to start fresh")  # fmt: skip
    return StoreError(f"{path}: {msg}")


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn, self.path = conn, path
        self.warnings: list[str] = []  # one-line notes for the user (e.g. a backup that could not be made)

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, *, timeout: float | None = None, write: bool = False) -> Store:
        """Open (and create or migrate) the store in `directory`. `write`: the command will record
        something, so check the file's health first (once a day) and make the day's backup."""
        path = directory / DB_NAME
        timeout = lock_timeout() if timeout is None else timeout
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create data directory {directory} ({exc.strerror}); set QUIZ_HOME "
                             "to a writable directory") from None  # fmt: skip
        _preflight(path)
        conn = None
        try:
            # timeout: SQLite's busy timeout; isolation_level None: autocommit, the store begins its own transactions
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            conn.row_factory = sqlite3.Row
            store = cls(conn, path)
            store._prepare(check=write)
            if write:
                from . import backup

                store.warnings = backup.daily(store)
            return store
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise _explain(path, exc) from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise

    def _prepare(self, check: bool) -> None:
        c = self.conn
        version = c.execute("""PRAGMA user_version""").fetchone()[0]
        app_id = c.execute("""PRAGMA application_id""").fetchone()[0]
        tables = c.execute("""SELECT count(*) FROM sqlite_master""").fetchone()[0]
        if app_id not in (0, APP_ID) or (app_id != APP_ID and (tables or version)):
            raise StoreError(f"{self.path} is an SQLite file that quiz did not create; it was left untouched. "
                             "Move it away or set QUIZ_HOME to another directory")  # fmt: skip
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer quiz (schema {version}, this one knows "
                             f"{len(MIGRATIONS)}); upgrade quiz")  # fmt: skip
        if version:  # migrated before: a foreign file can pass the header checks, so look for our tables
            names = {r[0] for r in c.execute("""SELECT name FROM sqlite_master WHERE type='table'""")}
            if not {"cards", "reviews", "undone", "settings"} <= names:
                raise StoreError(f"{self.path} is missing quiz tables; move it aside or set QUIZ_HOME elsewhere")
        checked = check and version and self._quick_check()  # before anything below writes
        c.execute("""PRAGMA journal_mode = WAL""")  # readers never block the writer, crashes roll back (no-op when set)
        c.execute("""PRAGMA synchronous = NORMAL""")  # with WAL: durable against process crashes
        if version < len(MIGRATIONS):
            c.execute("""BEGIN IMMEDIATE""")
            try:
                # Re-read inside the lock: another process may have just migrated.
                version = c.execute("""PRAGMA user_version""").fetchone()[0]
                for i, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in _statements(script):
                        c.execute(statement)
                    c.execute(f"PRAGMA user_version = {i}")
                c.execute(f"PRAGMA application_id = {APP_ID}")
                c.execute("""COMMIT""")
            except BaseException:
                c.execute("""ROLLBACK""")
                raise
        if checked:
            try:
                self.set_setting(CHECK_KEY, today())
            except StoreError:  # busy or full: the check simply runs again next time
                pass

    def _quick_check(self) -> bool:
        """PRAGMA quick_check unless it already passed today; raise on damage. True if it ran."""
        c = self.conn
        row = c.execute("""SELECT value FROM settings WHERE key = ?""", (CHECK_KEY,)).fetchone()  # the tables are there
        if row is not None and row[0] == today():
            return False
        try:
            result = [r[0] for r in c.execute("""PRAGMA quick_check""")]
        except sqlite3.DatabaseError as exc:
            result = [str(exc)]
        if result != ["ok"]:
            lines = [ln for r in result for ln in str(r).splitlines() if ln.strip() and not ln.startswith("***")]
            first = (lines or ["not ok"])[0] + (f" and {len(lines) - 1} more" if len(lines) > 1 else "")
            raise StoreError(f"{self.path} is damaged (quick_check: {first}); nothing was written to it. Restore "
                             "a backup (`quiz backup list`, `quiz backup restore NAME`) or move it aside")  # fmt: skip
        return True

    def close(self) -> None:
        self.conn.close()

    def _column(self, sql: str, args: tuple = ()) -> list:
        """The first column of every row, read straight off the cursor: on 10,000 rows about half
        the cost of fetchall() followed by a second pass."""
        try:
            return [r[0] for r in self.conn.execute(sql, args)]
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from None

    def _query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from None

    # --- reading -------------------------------------------------------------------------

    def due_cards(self, now: float) -> list[DueCard]:
        """Cards due by `now`, lowest retrievability first. FSRS recall probability falls
        monotonically with elapsed/stability, so ordering by that ratio needs no pow()."""
        rows = self._query(
            """SELECT question_id, due, stability, last_review, state, content_hash FROM cards
               WHERE due <= ? ORDER BY (? - coalesce(last_review, due)) / max(coalesce(stability, 0), 1e-9) DESC""",
            (now, now),
        )
        return [DueCard(*r) for r in rows]

    def learning_cards(self, until: float) -> list[tuple[str, float, str | None]]:
        """(question id, due, content hash) of learning and relearning cards due by `until`, earliest first."""
        return [tuple(r) for r in self._query("""SELECT question_id, due, content_hash FROM cards WHERE state != 2 """
                                              """AND due <= ? ORDER BY due, question_id""", (until,))]  # fmt: skip

    def known_ids(self) -> set[str]:
        return set(self._column("""SELECT question_id FROM cards"""))

    def card(self, question_id: str) -> dict | None:
        rows = self._query(f"SELECT {', '.join(STATE_COLUMNS)}, content_hash FROM cards WHERE question_id = ?",
                           (question_id,))  # fmt: skip
        return dict(rows[0]) if rows else None

    def introduced_since(self, since: float) -> int:
        return self._query("""SELECT count(*) FROM cards WHERE introduced >= ?""", (since,))[0][0]

    def reviews_since(self, since: float) -> int:
        return self._query(
            """SELECT count(*) FROM reviews WHERE reviewed_at >= ? AND cram = 0 """
            """AND id NOT IN (SELECT review_id FROM undone)""", (since,))[0][0]  # fmt: skip

    def review_times(self, since: float) -> list[float]:
        """When each review since `since` was made (the ones reviews_since counts), oldest first."""
        return self._column("SELECT reviewed_at FROM reviews WHERE reviewed_at >= ? AND cram = 0 "
                            "AND id NOT IN (SELECT review_id FROM undone) ORDER BY reviewed_at", (since,))  # fmt: skip

    def next_due(self, after: float) -> float | None:
        return self._query("""SELECT min(due) FROM cards WHERE due > ?""", (after,))[0][0]

    def reviews(self, question_id: str | None = None) -> list[dict]:
        """The review log (undone reviews excluded), oldest first."""
        sql = """SELECT * FROM reviews WHERE id NOT IN (SELECT review_id FROM undone)"""
        args: tuple = ()
        if question_id:
            sql, args = sql + """ AND question_id = ?""", (question_id,)
        return [dict(r) for r in self._query(sql + """ ORDER BY id""", args)]

    def review_totals(self) -> list[sqlite3.Row]:
        """Per question: reviews, lapses (Again on a card in Review state), graded and correct answers. Cram
        and mock-interview answers (cram = 1) are practice, not reviews: they are not counted."""
        return self._query(
            """SELECT question_id, count(*) AS reviews,
                      sum(rating = 1 AND cram = 0 AND json_extract(state_before, '$.state') = 2) AS lapses,
                      count(correct) AS graded, coalesce(sum(correct), 0) AS correct
               FROM reviews NOT INDEXED  -- one sequential scan beats 1M index lookups (3x faster)
               WHERE cram = 0 AND id NOT IN (SELECT review_id FROM undone) GROUP BY question_id"""
        )

    def recall_since(self, since: float) -> tuple[int, int]:
        """(passed, total) over reviews of cards that were in Review state: FSRS's true retention."""
        row = self._query(
            """SELECT coalesce(sum(rating > 1), 0), count(*) FROM reviews
               WHERE reviewed_at >= ? AND cram = 0 AND json_extract(state_before, '$.state') = 2
                 AND id NOT IN (SELECT review_id FROM undone)""", (since,))[0]  # fmt: skip
        return row[0], row[1]

    def review_days(self, since: float) -> set[str]:
        """Local dates (YYYY-MM-DD) with at least one review."""
        return set(self._column("""SELECT DISTINCT date(reviewed_at, 'unixepoch', 'localtime') FROM reviews """
                                """WHERE reviewed_at >= ?""", (since,)))  # fmt: skip

    def scheduled_reviews(self) -> list[sqlite3.Row]:
        """Every review that moved a schedule (not cram, not undone), oldest first: the optimizer's input."""
        return self._query(
            """SELECT question_id, rating, reviewed_at, duration_ms FROM reviews WHERE cram = 0 """
            """AND id NOT IN (SELECT review_id FROM undone) ORDER BY reviewed_at, id""")  # fmt: skip

    def due_times(self) -> list[float]:
        return self._column("""SELECT due FROM cards""")

    def card_states(self) -> dict[str, dict]:
        """Every card's FSRS state, keyed by question id (the plan's input)."""
        return {r[0]: dict(r) for r in self._query(f"SELECT question_id, {', '.join(STATE_COLUMNS)} FROM cards")}

    def active_plan(self) -> dict | None:
        """The active interview plan (quiz.plan), or None; {} when its row is not readable JSON."""
        rows = self._query("""SELECT body FROM plans WHERE cleared_at IS NULL ORDER BY id DESC LIMIT 1""")
        if not rows:
            return None
        try:
            body = json.loads(rows[0][0])
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._query("""SELECT value FROM settings WHERE key = ?""", (key,))
        return rows[0][0] if rows else default

    # --- writing: one transaction each ----------------------------------------------------

    def _write(self, fn: Callable[[sqlite3.Connection], object]):
        try:
            self.conn.execute("""BEGIN IMMEDIATE""")
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from None
        try:
            out = fn(self.conn)
            self.conn.execute("""COMMIT""")
            return out
        except BaseException as exc:
            try:
                self.conn.execute("""ROLLBACK""")
            except sqlite3.Error:  # SQLite may have rolled back already (a full disk does): nothing to undo
                pass
            if isinstance(exc, sqlite3.Error):
                raise _explain(self.path, exc) from None
            raise

    def adopt_renamed(self, renames: dict[str, str]) -> list[str]:
        """Carry progress across a rename or a merge of questions (`renamed_from`): when the new id has no
        card yet, it takes the card state of the old id reviewed most recently, and the reviews of every old
        id are relabelled so the history follows the question. One transaction; returns the adopted old ids.
        Ids whose new card already has its own state are left alone (their log stays under the old id)."""
        if not renames:
            return []
        known = self.known_ids()
        pending: dict[str, list[str]] = {}
        for old, new in renames.items():
            if old in known and new not in known:
                pending.setdefault(new, []).append(old)
        if not pending:
            return []

        def write(c: sqlite3.Connection) -> list[str]:
            adopted = []
            for new, olds in sorted(pending.items()):
                marks = ",".join("?" * len(olds))
                latest = c.execute(f"SELECT question_id FROM cards WHERE question_id IN ({marks}) ORDER BY last_review DESC "
                                   """NULLS LAST, question_id LIMIT 1""", olds).fetchone()  # fmt: skip
                if latest is None or c.execute("""SELECT 1 FROM cards WHERE question_id = ?""", (new,)).fetchone():
                    continue
                c.execute("""UPDATE cards SET question_id = ? WHERE question_id = ?""", (new, latest[0]))
                c.execute(f"DELETE FROM cards WHERE question_id IN ({marks})", olds)  # the others: merged away
                c.execute(f"UPDATE reviews SET question_id = ? WHERE question_id IN ({marks})", (new, *olds))
                adopted += sorted(olds)
            return adopted

        return self._write(write)

    def record(
        self,
        question_id: str,
        rating: int,
        *,
        now: float,
        schedule: Callable[[dict | None], dict] | None,
        answer: str | None = None,
        correct: bool | None = None,
        duration_ms: int | None = None,
        content_hash: str | None = None,
    ) -> int:
        """Log one answer and, unless `schedule` is None (cram), move the card to its next state.
        `schedule` gets the card's current state, read inside the transaction, so a second
        session that answered the same card a moment ago is built upon, not overwritten."""

        def write(c: sqlite3.Connection) -> int:
            row = c.execute(f"SELECT {', '.join(STATE_COLUMNS)}, content_hash FROM cards WHERE question_id = ?",
                            (question_id,)).fetchone()  # fmt: skip
            logged = dict(row) if row else None  # the state and the content hash: undo restores both
            before = {k: logged[k] for k in STATE_COLUMNS} if logged else None
            cur = c.execute(
                """INSERT INTO reviews (question_id, rating, answer, correct, duration_ms, reviewed_at, cram,
                                        content_hash, state_before)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (question_id, rating, answer, None if correct is None else int(correct), duration_ms, now,
                 int(schedule is None), content_hash, json.dumps(logged) if logged else None),
            )  # fmt: skip
            if schedule is not None:
                after = schedule(before)
                c.execute(
                    """INSERT INTO cards (question_id, state, step, stability, difficulty, due, last_review,
                                          introduced, content_hash)
                       VALUES (:qid, :state, :step, :stability, :difficulty, :due, :last_review, :now, :hash)
                       ON CONFLICT (question_id) DO UPDATE SET state = :state, step = :step,
                         stability = :stability, difficulty = :difficulty, due = :due,
                         last_review = :last_review, content_hash = :hash""",
                    {**after, "qid": question_id, "now": now, "hash": content_hash},
                )
            return cur.lastrowid

        try:
            return self._write(write)
        except StoreError as exc:
            what = f"your answer to {question_id} ({RATING_NAMES.get(rating, rating)})"
            raise AnswerNotSaved(f"{what} was not saved: {exc}", busy=isinstance(exc, StoreBusy)) from None

    def undo(self, review_id: int) -> str:
        """Take back one review: mark it undone (the log keeps it) and restore the card's state."""

        def write(c: sqlite3.Connection) -> str:
            r = c.execute("""SELECT question_id, cram, state_before FROM reviews WHERE id = ?""", (review_id,)).fetchone()
            if r is None:
                raise StoreError(f"no review {review_id}")
            question_id, cram, state_before = r
            c.execute("""INSERT INTO undone (review_id, undone_at) VALUES (?, ?)""", (review_id, clock.timestamp()))
            if not cram:
                if state_before is None:
                    c.execute("""DELETE FROM cards WHERE question_id = ?""", (question_id,))  # new again
                else:
                    before = json.loads(state_before)
                    # the content hash too (logs written before it was recorded keep the current one)
                    sets = ", ".join(f"{k} = :{k}" for k in (*STATE_COLUMNS, "content_hash") if k in before)
                    c.execute(f"UPDATE cards SET {sets} WHERE question_id = :qid", {**before, "qid": question_id})
            return question_id

        return self._write(write)

    def save_plan(self, body: dict, now: float) -> None:
        """Make `body` the active plan; earlier plans stay in the table, cleared."""

        def write(c: sqlite3.Connection) -> None:
            c.execute("""UPDATE plans SET cleared_at = ? WHERE cleared_at IS NULL""", (now,))
            c.execute("""INSERT INTO plans (created_at, body) VALUES (?, ?)""", (now, json.dumps(body, sort_keys=True)))

        self._write(write)

    def clear_plan(self, now: float) -> bool:
        """Clear the active plan (study returns to plain FSRS); True if there was one."""
        return self._write(lambda c: c.execute("""UPDATE plans SET cleared_at = ? WHERE cleared_at IS NULL""",
                                               (now,)).rowcount > 0)  # fmt: skip

    def set_setting(self, key: str, value: str) -> None:
        self._write(lambda c: c.execute(
            """INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
            (key, value)))  # fmt: skip
