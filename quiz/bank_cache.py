"""The parsed-bank cache: the last validated bank as JSON of plain data, so a warm start skips YAML.

The cache lives in the data dir, where anyone who can write there can plant a file, so it is
data, never code (no pickle), and it is never trusted: it is read like a bank file (a regular
file, size-limited), and rebuilt into the dataclasses only after every field has been checked
against the rules the loader enforces (types, ids, finite numbers, registered compute functions
and verifiers, no terminal control characters). Anything else (a damaged, foreign, stale or
hand-edited file) is ignored and the banks are parsed again. The cache is written atomically to
a fresh temp name opened with O_CREAT|O_EXCL|O_NOFOLLOW, then renamed over the old one; a failed
write removes its temp file. The old `bank-cache.pickle` is never opened.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from pathlib import Path

from .bank import ID_RE, TAG_RE, TOPIC_RE, Bank, Choice, Numeric, Param, Question, Text, bank_files, load
from .bankfile import CONTROL_RE, Unreadable, read_limited
from .errors import TYPES
from .problems import CODES, LINT_ONLY, BankError, Problem

CACHE_NAME = "bank-cache.json"
FORMAT = "quiz-bank-cache/1"
MAX_CACHE_BYTES = 64 * 1024 * 1024
# A JSON escape that decodes to a terminal control character (\n and \t are fine): an odd run of backslashes.
_ESCAPED_CONTROL_RE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:[bfr]|u00[01][0-9a-f]|u007f|u00[89][0-9a-f])", re.I)


class _Bad(Exception):
    """The cache is not one this loader wrote for these banks."""


# --- the key: everything a loaded bank depends on ----------------------------------------------


def fingerprint(files: list[Path]) -> str:
    """A digest of the YAML files' identities, the verifier registry and the loader's own code."""
    from . import __version__, bank, bankfile, verify
    from .params import __file__ as params_file

    stats = []
    for p in [*files, verify.EXPECTED_FILE, Path(bank.__file__), Path(bankfile.__file__), Path(__file__),
              Path(params_file)]:  # fmt: skip
        try:
            st = os.stat(p)
            stats.append([os.path.abspath(p), st.st_ino, st.st_mtime_ns, st.st_size])
        except OSError:
            stats.append([str(p), None, None, None])
    key = [FORMAT, __version__, stats, list(verify.names()), os.getcwd()]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()


# --- writing -----------------------------------------------------------------------------------


def _text(t: Text | None) -> list | None:
    return [t.en, t.zh] if t is not None else None


def to_plain(key: str, bank: Bank, problems: list[Problem]) -> dict:
    questions = []
    for q in bank.questions:
        n = q.numeric
        questions.append([
            q.id, q.topic, q.type, q.difficulty, _text(q.prompt), _text(q.answer), _text(q.explanation),
            list(q.tags), [[_text(c.text), c.correct] for c in q.choices],
            [n.value, n.value_from, n.compute, n.tolerance, n.unit] if n else None,
            [[p.name, list(p.choices), p.low, p.high, p.step] for p in q.params],
            q.verifier, [dict(s) for s in q.sources], list(q.renamed_from), q.path, q.line,
        ])  # fmt: skip
    return {
        "format": FORMAT,
        "key": key,
        "titles": {topic: _text(t) for topic, t in bank.titles.items()},
        "questions": questions,
        "problems": [[p.path, p.line, p.col, p.code, p.message] for p in problems],
    }


def write(cache: Path, key: str, bank: Bank, problems: list[Problem]) -> None:
    """Write atomically; any failure (read-only data dir, full disk) only costs speed next time."""
    payload = json.dumps(to_plain(key, bank, problems), ensure_ascii=False, allow_nan=False).encode("utf-8")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    tmp = cache.parent / f".{cache.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o600)  # a fresh name; never follows a planted symlink
    except OSError:
        return
    done = False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, cache)  # atomic: a concurrent reader sees the old or the new file, never half
        done = True
    except OSError:
        pass
    finally:
        if not done:
            try:
                os.unlink(tmp)
            except OSError:
                pass


# --- reading, trusting nothing -------------------------------------------------------------------


def _str(v) -> str:
    if type(v) is not str:
        raise _Bad
    return v


def _opt_str(v) -> str | None:
    return None if v is None else _str(v)


def _num(v) -> float:
    if type(v) not in (int, float) or not math.isfinite(v):
        raise _Bad
    return v


def _list(v) -> list:
    if type(v) is not list:
        raise _Bad
    return v


def _txt(v) -> Text:
    if type(v) is not list or len(v) != 2 or type(v[0]) is not str or type(v[1]) is not str:
        raise _Bad
    return Text(v[0], v[1])


def _question(row, compute: dict, verifiers: set[str]) -> Question:
    (qid, topic, qtype, difficulty, prompt, answer, explanation, tags, choices, numeric, params, verifier,
     sources, renamed, path, line) = _list(row)  # fmt: skip  (a wrong length raises ValueError)
    if not ID_RE.match(_str(qid)) or not TOPIC_RE.match(_str(topic)) or qtype not in TYPES:
        raise _Bad
    if type(difficulty) is not int or difficulty not in (1, 2, 3) or type(line) is not int or line < 0:
        raise _Bad
    if not all(type(t) is str and TAG_RE.match(t) for t in _list(tags)):
        raise _Bad
    options = []
    for c in _list(choices):
        text, correct = _list(c)
        if type(correct) is not bool:
            raise _Bad
        options.append(Choice(_txt(text), correct))
    if sum(c.correct for c in options) != (1 if qtype == "mcq" else 0):
        raise _Bad
    num = None
    if numeric is not None:
        value, value_from, fn, tol, unit = _list(numeric)
        if value is not None:
            _num(value)
        if _num(tol) <= 0 or (fn is not None and fn not in compute):
            raise _Bad
        num = Numeric(value, _opt_str(value_from), fn, tol, _str(unit))
    drawn = []
    for p in _list(params):
        name, picks, low, high, step = _list(p)
        if _num(step) <= 0 or _num(high) < _num(low) or not math.isfinite((high - low) / step):
            raise _Bad
        drawn.append(Param(_str(name), tuple(_num(x) for x in _list(picks)), low, high, step))
    src = []
    for s in _list(sources):
        if type(s) is not dict or not all(type(k) is str and type(v) is str for k, v in s.items()):
            raise _Bad
        src.append(s)
    if verifier is not None and verifier not in verifiers:
        raise _Bad
    return Question(
        id=qid, topic=topic, type=qtype, difficulty=difficulty, prompt=_txt(prompt),
        answer=None if answer is None else _txt(answer),
        explanation=None if explanation is None else _txt(explanation),
        tags=tuple(tags), choices=tuple(options), numeric=num, params=tuple(drawn), verifier=verifier,
        sources=tuple(src), renamed_from=tuple(_str(r) for r in _list(renamed)), path=_str(path), line=line,
    )  # fmt: skip


def _no_json_constants(name: str):
    raise _Bad  # NaN, Infinity, -Infinity: never written by us


def read(cache: Path, key: str) -> tuple[Bank, list[Problem]] | None:
    """The cached bank if the file is ours, for exactly these banks, and every field checks out."""
    from . import verify
    from .params import COMPUTE

    try:
        raw = read_limited(cache, MAX_CACHE_BYTES).decode("utf-8")
        if CONTROL_RE.search(raw) or _ESCAPED_CONTROL_RE.search(raw):
            raise _Bad
        doc = json.loads(raw, parse_constant=_no_json_constants)
        if type(doc) is not dict or doc.get("format") != FORMAT or doc.get("key") != key:
            raise _Bad
        verifiers = set(verify.names())
        questions = tuple(_question(row, COMPUTE, verifiers) for row in _list(doc["questions"]))
        if len({q.id for q in questions}) != len(questions):
            raise _Bad
        titles = doc["titles"]
        if type(titles) is not dict:
            raise _Bad
        titles = {_str(k): _txt(v) for k, v in titles.items()}
        problems = []
        for p in _list(doc["problems"]):
            path, line, col, code, message = _list(p)
            if code not in CODES or code not in LINT_ONLY or type(line) is not int or type(col) is not int:
                raise _Bad
            problems.append(Problem(_str(path), line, col, code, _str(message)))
        return Bank(questions, titles), problems
    except (Unreadable, OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, _Bad):
        return None  # absent, damaged, foreign or stale: the caller parses the banks again


# --- the entry point ---------------------------------------------------------------------------


def load_cached(dirs: list[Path], cache_dir: Path | None) -> tuple[Bank, list[Problem]]:
    """`bank.load`, but reuse the last validated bank when nothing it depends on changed.

    Parsing and validating ~300 questions costs ~150 ms; reading and checking the JSON cache a few
    ms. The cache is only written for a bank that loaded without fatal problems."""
    files, missing = bank_files(dirs)
    if missing:
        raise BankError(missing)
    key = fingerprint(files)
    cache = cache_dir / CACHE_NAME if cache_dir else None
    if cache is not None:
        cached = read(cache, key)
        if cached is not None:
            return cached
    bank, problems = load(dirs, strict=True)
    if cache is not None:
        write(cache, key, bank, problems)
    return bank, problems
