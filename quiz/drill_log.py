"""Drill attempts on disk and drills as cards: workspace files, the attempt history, status, ratings.

Every judged attempt keeps the learner's code and the verdict: data dir/drills/history/NAME/<time>.py
and <time>.json (UTC time from quiz.clock). No rich, no torch.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import clock
from .bank import Bank, Question, Text
from .drills import Drill, drills_dir, load_one, names
from .paths import data_dir

GOOD, HARD, AGAIN = 3, 2, 1


def workspace(directory: Path | None = None) -> Path:
    return Path(directory) if directory else data_dir() / "drills"


def history_dir(name: str) -> Path:
    return data_dir() / "drills" / "history" / name


def write_atomic(path: Path, text: str) -> None:
    import tempfile  # not on the way to the first card

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def start_file(drill: Drill, directory: Path | None = None, fresh: bool = False) -> tuple[Path, bool]:
    """The learner's file for this drill, with the stub written if it does not exist yet.
    Returns (path, created). An existing file (work in progress) is kept; with `fresh` (a review in
    study or exam starts from the stub) it is moved aside to NAME.py.prev first, never lost."""
    path = workspace(directory) / f"{drill.name}.py"
    stub = drill.stub()
    if path.exists():
        try:
            same = path.read_text(encoding="utf-8") == stub
        except (OSError, UnicodeDecodeError):
            same = False
        if not fresh or same:
            return path, same
        os.replace(path, path.with_name(path.name + ".prev"))
    write_atomic(path, stub)
    return path, True


def save_attempt(drill: Drill, source: str, verdict: dict) -> Path:
    """Keep the code and its verdict; returns the .py path."""
    d = history_dir(drill.name)
    d.mkdir(parents=True, exist_ok=True)
    stamp = clock.utcnow().strftime("%Y%m%dT%H%M%S.%fZ")
    n, stem = 1, stamp
    while (d / f"{stem}.py").exists():
        n += 1
        stem = f"{stamp}-{n}"
    write_atomic(d / f"{stem}.py", source)
    write_atomic(d / f"{stem}.json", json.dumps(verdict, ensure_ascii=False, indent=1) + "\n")
    return d / f"{stem}.py"


@dataclass(frozen=True)
class Attempt:
    when: str  # the file stem: UTC time
    path: Path
    passed: bool | None  # None when the verdict file is missing or damaged
    headline: str


def history(name: str) -> list[Attempt]:
    out = []
    d = history_dir(name)
    for py in sorted(d.glob("*.py")) if d.is_dir() else []:
        try:
            v = json.loads(py.with_suffix(".json").read_text(encoding="utf-8"))
            passed, headline = bool(v.get("passed")), str(v.get("headline", ""))
        except (OSError, ValueError, AttributeError):
            passed, headline = None, "(no verdict)"
        out.append(Attempt(py.stem, py, passed, headline))
    return out


def proposed_rating(passed: bool, attempts: int, hints: int, revealed: bool) -> int:
    """Pass on the first attempt with no hints: Good; pass after hints or failed attempts: Hard; else Again."""
    if not passed or revealed:
        return AGAIN
    return GOOD if attempts == 1 and hints == 0 else HARD


def status(drill: Drill, store, now: float | None = None) -> str:
    """never tried / passed / failing / due, from the review log and the card's due time."""
    now = clock.timestamp() if now is None else now
    reviews = store.reviews(drill.question_id)
    if not reviews:
        return "never tried"
    if not reviews[-1]["correct"]:
        return "failing"
    card = store.card(drill.question_id)
    if card and card["due"] <= now:
        return "due"
    return "passed"


def drill_stats(store, drills: list[Drill]) -> dict:
    """topic -> {drills, tried, passed, due}: passed = the last attempt passed."""
    out: dict[str, dict] = {}
    now = clock.timestamp()
    for d in sorted(drills, key=lambda d: d.topic):
        row = out.setdefault(d.topic, {"drills": 0, "tried": 0, "passed": 0, "due": 0})
        st = status(d, store, now)
        row["drills"] += 1
        row["tried"] += st != "never tried"
        row["passed"] += st in ("passed", "due")
        row["due"] += st == "due"
    return out


def as_question(drill: Drill) -> Question:
    """A drill as a study card (type `drill`, id drill.<name>)."""
    prompt = Text(f"{drill.title.en}\n\n{drill.prompt.en}\n\n{drill.signature}",
                  f"{drill.title.zh}\n\n{drill.prompt.zh}\n\n{drill.signature}")  # fmt: skip
    return Question(drill.question_id, drill.topic, "drill", drill.difficulty, prompt, None, tags=drill.tags,
                    sources=drill.sources, path=str(drill.directory / "drill.yaml"))  # fmt: skip


def card_drills_dir() -> Path | None:
    """Where study, exam and stats take drill cards from: QUIZ_DRILLS_DIR if set; else the built-in drills,
    unless QUIZ_QUESTIONS_DIR replaces the built-in banks (a separate set of cards: then no drills)."""
    if os.environ.get("QUIZ_DRILLS_DIR") or not os.environ.get("QUIZ_QUESTIONS_DIR"):
        return drills_dir()
    return None


CACHE_NAME = "drill-cache.json"
CACHE_LIMIT = 4 << 20


def _fingerprint(directory: Path) -> list:
    out = []
    for name in names(directory):
        try:
            st = (directory / name / "drill.yaml").stat()
            out.append([name, st.st_mtime_ns, st.st_size])
        except OSError:
            out.append([name, 0, 0])
    return [str(directory.resolve()), out]


def card_drills(directory: Path | None = None) -> list[Drill]:
    """Drills whose drill.yaml loads (no python parsed, no torch: this is on the way to the first card).
    Kept in a JSON cache in the data dir (never pickle), rebuilt when any drill.yaml changes."""
    directory = directory or drills_dir()
    fingerprint = _fingerprint(directory)
    cache = data_dir() / CACHE_NAME
    try:
        if cache.is_file() and cache.stat().st_size < CACHE_LIMIT:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("fingerprint") == fingerprint:
                return [Drill.from_json(d) for d in data["drills"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass  # a damaged cache is rebuilt
    out = []
    for name in names(directory):
        drill, _ = load_one(directory / name, python=False)
        if drill is not None:
            out.append(drill)
    try:
        write_atomic(cache, json.dumps({"fingerprint": fingerprint, "drills": [d.to_json() for d in out]},
                                       ensure_ascii=False))  # fmt: skip
    except OSError:
        pass  # a read-only data dir only costs the parse next time
    return out


def with_drills(bank: Bank, directory: Path | None = None) -> Bank:
    """The bank plus every drill as a card, for study and exam (see card_drills_dir)."""
    directory = directory or card_drills_dir()
    if directory is None:
        return bank
    extra = tuple(as_question(d) for d in card_drills(directory) if d.question_id not in bank.by_id)
    titles = dict(bank.titles)
    for q in extra:
        titles.setdefault(q.topic, Text(q.topic, q.topic))
    return Bank(bank.questions + extra, titles)
