"""A store that is damaged, foreign, read-only, a directory, newer, or holds unparsable settings: every
command that opens it gives one line and exit 1, never a traceback, and quiz.db is left byte for byte."""

import hashlib
import os
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import cli as cli_module
from quiz.cli import cli
from quiz.store import APP_ID, CHECK_KEY, DB_NAME, MIGRATIONS, Store, StoreError, today

FIXTURE = Path(__file__).parent / "data" / "bank"
NOW = "2026-12-01T10:00"


@pytest.fixture(autouse=True)
def fixed_env(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    monkeypatch.setenv("QUIZ_NOW", NOW)
    monkeypatch.setenv("QUIZ_LANG", "en")
    monkeypatch.setattr(cli_module, "require_terminal", lambda command: None)  # study/exam without a pty


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def healthy(home: Path, reviews: int = 300) -> Path:
    store = Store.open(home)
    assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    for i in range(reviews):
        store.record(f"basics.q{i}", 3, now=1000.0 + i, schedule=None, answer="x" * 50)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return home / DB_NAME


def damaged(home: Path) -> None:
    """A healthy store whose last table-leaf page claims 64 cells at offset 0: SQLite still opens it and
    reads the settings (so `quiz config` used to write into it), but quick_check reports the damage."""
    db = healthy(home)
    data = bytearray(db.read_bytes())
    page = 4096
    leaf = next(i for i in range(len(data) // page - 1, 0, -1) if data[i * page] == 13)
    data[leaf * page + 3 : leaf * page + 5] = b"\x00\x40"
    db.write_bytes(bytes(data))
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM settings").fetchone() == (0,)  # readable ...
    conn.close()


def foreign_empty(home: Path) -> None:
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / DB_NAME)
    conn.execute("PRAGMA application_id = 0x12345678")  # another application's file, no tables yet
    conn.commit()
    conn.close()


def foreign_tables(home: Path) -> None:
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / DB_NAME)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()


def garbage(home: Path) -> None:
    home.mkdir(parents=True)
    (home / DB_NAME).write_bytes(b"not a database at all " * 200)


def directory(home: Path) -> None:
    (home / DB_NAME).mkdir(parents=True)


def read_only(home: Path) -> None:
    healthy(home, reviews=3)
    os.chmod(home / DB_NAME, 0o444)


def newer(home: Path) -> None:
    db = healthy(home, reviews=3)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


HOSTILE = {
    "damaged": (damaged, r"\S+/quiz\.db is damaged \(quick_check: On tree page \d+ cell \d+: [^)]+ and \d+ more\); nothing "
                         r"was written to it\. Restore a backup \(`quiz backup list`, `quiz backup restore NAME`\) or move "
                         r"it aside"),
    "foreign_empty": (foreign_empty, r"\S+/quiz\.db is an SQLite file that quiz did not create; it was left untouched\. "
                                     r"Move it away or set QUIZ_HOME to another directory"),
    "foreign_tables": (foreign_tables, r"\S+/quiz\.db is an SQLite file that quiz did not create; it was left untouched\. "
                                       r"Move it away or set QUIZ_HOME to another directory"),
    "garbage": (garbage, r"\S+/quiz\.db is corrupt \(file is not a database\); move it aside \(your progress is in it, "
                         r"so keep a copy\) or set QUIZ_HOME to start fresh"),
    "directory": (directory, r"\S+/quiz\.db is a directory, not quiz's database file; move it away or set QUIZ_HOME "
                             r"elsewhere"),
    "read_only": (read_only, r"\S+/quiz\.db is read-only \(the file, not its directory\); make it writable with "
                             r"`chmod u\+w \S+/quiz\.db` or set QUIZ_HOME elsewhere"),
    "newer": (newer, r"\S+/quiz\.db was written by a newer quiz \(schema 99, this one knows \d+\); upgrade quiz"),
}  # fmt: skip
WRITING = [["study"], ["exam", "-n", "1"], ["config", "new_per_day", "5"], ["config"], ["optimize", "--reset"],
           ["backup", "make"]]  # fmt: skip


def snapshot(home: Path) -> dict:
    db = home / DB_NAME
    return {"files": sorted(p.name for p in home.iterdir() if not p.name.startswith("bank-cache.")),
            "db": sha(db) if db.is_file() else "dir" if db.is_dir() else None}  # fmt: skip


def assert_one_line(result, pattern: str, code: int = 1) -> None:
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch("Error: " + pattern, lines[0]), lines[0]


@pytest.mark.parametrize("case", HOSTILE)
@pytest.mark.parametrize("args", WRITING, ids=" ".join)
def test_hostile_store_is_one_line_and_untouched(case, args, quiz_home):
    setup, pattern = HOSTILE[case]
    setup(quiz_home)
    before = snapshot(quiz_home)
    result = CliRunner().invoke(cli, args)
    assert_one_line(result, pattern)
    assert snapshot(quiz_home) == before  # same bytes, and no backup, WAL or other file appeared


@pytest.mark.parametrize("case", [c for c in HOSTILE if c != "damaged"])
def test_reading_commands_refuse_the_same_files(case, quiz_home):
    setup, pattern = HOSTILE[case]
    setup(quiz_home)
    before = snapshot(quiz_home)
    assert_one_line(CliRunner().invoke(cli, ["stats"]), pattern)
    assert snapshot(quiz_home) == before


def with_setting(home: Path, key: str, value: str) -> Path:
    """A healthy store already checked and backed up today (so opening it writes nothing), plus one setting."""
    db = healthy(home, reviews=3)
    store = Store.open(home, write=True)  # today's check and backup
    store.set_setting(key, value)
    assert store.setting(CHECK_KEY) == today()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return db


SETTINGS = {
    "new_per_day_text": (
        "new_per_day", "abc",
        r"setting new_per_day = 'abc' in \S+/quiz\.db is not valid "
        r"\(new cards introduced per day: a whole number, 0 or more \(default 20\)\); "
        r"set it with `quiz config new_per_day VALUE`"),
    "negative_reviews": (
        "reviews_per_day", "-5",
        r"setting reviews_per_day = '-5' in \S+ is not valid \(.*\); set it with `quiz config reviews_per_day VALUE`"),
    "retention_out_of_range": (
        "retention", "2",
        r"setting retention = '2' in \S+ is not valid \(desired retention: 0\.70 to 0\.99 \(default 0\.9\)\); "
        r"set it with `quiz config retention VALUE`"),
    "parameters_wrong_length": (
        "fsrs_parameters", "[1, 2, 3]",
        r"the saved FSRS parameters in \S+/quiz\.db are unusable \(expected a list of 21 numbers\); "
        r"`quiz optimize --reset` goes back to the defaults"),
    "parameters_not_json": (
        "fsrs_parameters", "{oops",
        r"the saved FSRS parameters in \S+ are unusable \(expected a list of 21 numbers\); "
        r"`quiz optimize --reset` goes back to the defaults"),
    "parameters_not_numbers": (
        "fsrs_parameters", '["a"' + ', "b"' * 20 + "]",
        r"the saved FSRS parameters .* `quiz optimize --reset` goes back to the defaults"),
}  # fmt: skip


@pytest.mark.parametrize("case", SETTINGS)
@pytest.mark.parametrize("args", [["study"], ["config"], ["config", "new_per_day"]], ids=" ".join)
def test_unparsable_settings_name_the_command_that_fixes_them(case, args, quiz_home):
    key, value, pattern = SETTINGS[case]
    db = with_setting(quiz_home, key, value)
    before = sha(db)
    assert_one_line(CliRunner().invoke(cli, args), pattern)
    assert sha(db) == before


def test_the_named_command_does_fix_the_setting(quiz_home):
    with_setting(quiz_home, "new_per_day", "abc")
    with_setting(quiz_home, "fsrs_parameters", "[1, 2, 3]")
    assert CliRunner().invoke(cli, ["config", "new_per_day", "7"]).exit_code == 0
    assert CliRunner().invoke(cli, ["optimize", "--reset"]).exit_code == 0
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0 and re.search(r"^new_per_day\s+7\s", result.output, re.M)


def test_quick_check_runs_once_a_day_and_records_when(quiz_home, monkeypatch):
    """Counted at the SQLite level: every statement any connection runs is traced."""
    healthy(quiz_home, reviews=3)
    ran = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(lambda sql: ran.append(sql) if sql.startswith("PRAGMA quick_check") else None)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    assert Store.open(quiz_home, write=True).setting(CHECK_KEY) == "2026-12-01"
    assert ran == ["PRAGMA quick_check"]
    Store.open(quiz_home, write=True).close()  # the same day: not again
    Store.open(quiz_home).close()  # reading commands never check
    assert ran == ["PRAGMA quick_check"]
    monkeypatch.setenv("QUIZ_NOW", "2026-12-02T08:00")
    assert Store.open(quiz_home, write=True).setting(CHECK_KEY) == "2026-12-02"
    assert ran == ["PRAGMA quick_check"] * 2


def test_damage_found_the_day_after_the_last_check_is_still_refused(quiz_home, monkeypatch):
    """Damage after a passed check is caught the next day; a failed check records nothing, so it stays refused."""
    damaged(quiz_home)
    db = quiz_home / DB_NAME
    before = sha(db)
    for _ in range(2):
        assert_one_line(CliRunner().invoke(cli, ["config", "retention", "0.8"]), HOSTILE["damaged"][1])
    assert sha(db) == before


# --- the same refusals in process (Store.open), with the exact text: what mutation testing can see ------------


def version_only(home: Path) -> None:
    """No tables and no application id, but a schema version: not an empty file quiz may claim."""
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / DB_NAME)
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def missing_tables(home: Path) -> None:
    """Marked as ours and up to date, but only one of quiz's tables is there."""
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / DB_NAME)
    conn.execute("CREATE TABLE cards (question_id TEXT)")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.commit()
    conn.close()


FOREIGN = ("{db} is an SQLite file that quiz did not create; it was left untouched. Move it away or set QUIZ_HOME to "
           "another directory")
REFUSED = {
    "foreign_empty": (foreign_empty, FOREIGN),
    "foreign_tables": (foreign_tables, FOREIGN),
    "version_only": (version_only, FOREIGN),
    "garbage": (garbage, "{db} is corrupt (file is not a database); move it aside (your progress is in it, so keep a copy) "
                         "or set QUIZ_HOME to start fresh"),
    "directory": (directory, "{db} is a directory, not quiz's database file; move it away or set QUIZ_HOME elsewhere"),
    "read_only": (read_only, "{db} is read-only (the file, not its directory); make it writable with `chmod u+w {db}` or "
                             "set QUIZ_HOME elsewhere"),
    "newer": (newer, f"{{db}} was written by a newer quiz (schema 99, this one knows {len(MIGRATIONS)}); upgrade quiz"),
    "missing_tables": (missing_tables, "{db} is missing quiz tables; move it aside or set QUIZ_HOME elsewhere"),
}  # fmt: skip


@pytest.fixture
def connections(monkeypatch) -> list:
    """Every SQLite connection the store opens, to check that a refusal closes what it opened."""
    opened, real_connect = [], sqlite3.connect

    def connect(*args, **kwargs):
        opened.append(real_connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", connect)
    return opened


def closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
@pytest.mark.parametrize("case", REFUSED)
def test_open_refuses_with_the_exact_line_and_leaves_the_file_alone(case, write, quiz_home, connections):
    setup, message = REFUSED[case]
    setup(quiz_home)
    connections.clear()  # the setup's own connections
    before = snapshot(quiz_home)
    with pytest.raises(StoreError) as info:
        Store.open(quiz_home, write=write)
    assert type(info.value) is StoreError and str(info.value) == message.format(db=quiz_home / DB_NAME)
    assert snapshot(quiz_home) == before  # same bytes; no WAL, no backup
    if case in ("directory", "read_only"):
        assert connections == []  # refused before SQLite opened it
    else:
        assert len(connections) == 1 and closed(connections[0])


def test_damage_is_refused_in_process_and_left_alone(quiz_home, connections):
    damaged(quiz_home)
    connections.clear()
    before = snapshot(quiz_home)
    with pytest.raises(StoreError) as info:
        Store.open(quiz_home, write=True)
    assert str(info.value).startswith(f"{quiz_home / DB_NAME} is damaged (quick_check: On tree page ")
    assert re.fullmatch(r"\S+ is damaged \(quick_check: On tree page \d+ cell 63: Offset 0 out of range \d+\.\.4092 and \d+ "
                        r"more\); nothing was written to it\. Restore a backup \(`quiz backup list`, `quiz backup "
                        r"restore NAME`\) or move it aside", str(info.value))  # fmt: skip
    assert snapshot(quiz_home) == before and len(connections) == 1 and closed(connections[0])
    assert Store.open(quiz_home).setting(CHECK_KEY) is None  # reading commands do not check; nothing was recorded


def test_odd_paths_get_one_line(tmp_path, connections):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the data directory should be")
    with pytest.raises(StoreError) as info:
        Store.open(blocker / "quiz")
    assert str(info.value) == (f"cannot create data directory {blocker / 'quiz'} (Not a directory); set QUIZ_HOME to a "
                               "writable directory")  # fmt: skip

    home = tmp_path / "home"
    home.mkdir()
    (home / DB_NAME).symlink_to(home / DB_NAME)  # a link to itself: stat fails, but not with "no such file"
    with pytest.raises(StoreError) as info:
        Store.open(home)
    assert str(info.value) == f"cannot read {home / DB_NAME} (Too many levels of symbolic links); set QUIZ_HOME elsewhere"

    (home / DB_NAME).unlink()
    (home / DB_NAME).symlink_to("/dev/null")
    with pytest.raises(StoreError) as info:
        Store.open(home, write=True)
    assert str(info.value) == f"{home / DB_NAME} is not a regular file; move it away or set QUIZ_HOME elsewhere"
    assert connections == []

    (home / DB_NAME).unlink()
    (home / DB_NAME).symlink_to(tmp_path / "gone" / DB_NAME)  # into a directory that does not exist
    with pytest.raises(StoreError) as info:
        Store.open(home)
    assert str(info.value) == (f"cannot write {home / DB_NAME} (unable to open database file); make the directory writable "
                               "or set QUIZ_HOME elsewhere")  # fmt: skip
    assert connections == [] and not (tmp_path / "gone").exists()
