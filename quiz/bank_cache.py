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
from .bankfile import Unreadable, read_limited
from .errors import TYPES
from .problems import LINT_ONLY, BankError, Problem

CACHE_NAME = "bank-cache.json"
FORMAT = "quiz-bank-cache/1"
MAX_CACHE_BYTES = 64 * 1024 * 1024
# A JSON escape that may decode to a terminal control character (\n and \t are fine), and C1 in UTF-8.
_ESCAPE = re.compile(rb"\\(?:[bfr]|u00[01][0-9a-f]|u007f|u00[89][0-9a-f])", re.I)
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


class _Bad(Exception):
    """The cache is not one this loader wrote for these banks."""


# --- the key: everything a loaded bank depends on ----------------------------------------------


def fingerprint(files: list[Path], verifiers: set[str] | None = None) -> str:
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
    names = sorted(verify.names() if verifiers is None else verifiers)
    key = [FORMAT, __version__, stats, names, os.getcwd()]
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


def _temp_path(cache: Path) -> Path:
    """A fresh name beside the cache (so os.replace stays on one file system), unguessable in advance."""
    return cache.parent / f".{cache.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"


def write(cache: Path, key: str, bank: Bank, problems: list[Problem]) -> None:
    """Write atomically; any failure (read-only data dir, full disk) only costs speed next time."""
    payload = json.dumps(to_plain(key, bank, problems), ensure_ascii=False, allow_nan=False).encode("utf-8")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    tmp = _temp_path(cache)
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


def _num(v) -> float:
    if type(v) not in (int, float) or not math.isfinite(v):
        raise _Bad
    return v


def _list(v, n: int | None = None) -> list:
    if type(v) is not list or (n is not None and len(v) != n):
        raise _Bad
    return v


_new = object.__new__


def _make(cls, **fields):
    """A frozen dataclass from checked fields, the way pickle rebuilds one (no __init__ round trip)."""
    obj = _new(cls)
    obj.__dict__.update(fields)
    return obj


def _txt(v) -> Text:
    if type(v) is not list or len(v) != 2:
        raise _Bad
    en, zh = v
    if type(en) is not str or type(zh) is not str:
        raise _Bad
    obj = _new(Text)
    obj.__dict__.update(en=en, zh=zh)
    return obj


class _Checker:
    """Checks rows of the cache against the loader's rules; remembers words it has already accepted."""

    def __init__(self, compute: dict, verifiers: set[str]):
        self.compute, self.verifiers = compute, verifiers
        self.ok: dict = {TOPIC_RE: set(), TAG_RE: set()}  # words already seen to match each pattern

    def word(self, v: str, pattern) -> str:
        seen = self.ok[pattern]
        if v not in seen:
            if type(v) is not str or not pattern.match(v):
                raise _Bad
            seen.add(v)
        return v

    def question(self, row) -> Question:
        (qid, topic, qtype, difficulty, prompt, answer, explanation, tags, choices, numeric, params, verifier,
         sources, renamed, path, line) = _list(row, 16)  # fmt: skip
        if type(qid) is not str or not ID_RE.match(qid) or qtype not in TYPES or difficulty not in (1, 2, 3):
            raise _Bad
        if type(difficulty) is not int or type(line) is not int or line < 0 or type(path) is not str:
            raise _Bad
        self.word(topic, TOPIC_RE)
        tags = tuple(self.word(t, TAG_RE) for t in _list(tags))
        options = []
        for c in _list(choices):
            text, correct = _list(c, 2)
            if type(correct) is not bool:
                raise _Bad
            options.append(_make(Choice, text=_txt(text), correct=correct))
        if sum(c.correct for c in options) != (1 if qtype == "mcq" else 0):
            raise _Bad
        num = None
        if numeric is not None:
            value, value_from, fn, tol, unit = _list(numeric, 5)
            if value is not None:
                _num(value)
            if _num(tol) <= 0 or (fn is not None and fn not in self.compute) or type(unit) is not str \
                    or (value_from is not None and type(value_from) is not str):  # fmt: skip
                raise _Bad
            num = Numeric(value, value_from, fn, tol, unit)
        drawn = []
        for p in _list(params):
            name, picks, low, high, step = _list(p, 5)
            if _num(step) <= 0 or _num(high) < _num(low) or not math.isfinite((high - low) / step):
                raise _Bad
            drawn.append(Param(_str(name), tuple(_num(x) for x in _list(picks)), low, high, step))
        for src in _list(sources):
            if type(src) is not dict:
                raise _Bad
            for v in src.values():
                if type(v) is not str:  # keys of a JSON object are always text
                    raise _Bad
        if verifier is not None and verifier not in self.verifiers:
            raise _Bad
        return _make(
            Question, id=qid, topic=topic, type=qtype, difficulty=difficulty, prompt=_txt(prompt),
            answer=None if answer is None else _txt(answer),
            explanation=None if explanation is None else _txt(explanation),
            tags=tags, choices=tuple(options), numeric=num, params=tuple(drawn), verifier=verifier,
            sources=tuple(sources), renamed_from=tuple(_str(r) for r in _list(renamed)), path=path, line=line,
        )  # fmt: skip


def _no_json_constants(name: str):
    raise _Bad  # NaN, Infinity, -Infinity: never written by us


def _raw_checks(data: bytes) -> None:
    """No terminal control character anywhere in the text, raw or as a JSON escape. (Raw C0 characters
    inside strings are refused by the JSON parser itself; raw DEL and C1 are not, so they are looked for
    here, as are escapes such as \\u001b preceded by an even run of backslashes.)"""
    if b"\x7f" in data or _C1_UTF8.search(data):
        raise _Bad
    for m in _ESCAPE.finditer(data):
        i = m.start()
        while i > 0 and data[i - 1] == 0x5C:  # a backslash
            i -= 1
        if (m.start() - i) % 2 == 0:  # the escape's own backslash is not itself escaped
            raise _Bad


def read(cache: Path, key: str, verifiers: set[str] | None = None) -> tuple[Bank, list[Problem]] | None:
    """The cached bank if the file is ours, for exactly these banks, and every field checks out."""
    from . import verify
    from .params import COMPUTE

    try:
        data = read_limited(cache, MAX_CACHE_BYTES)
        _raw_checks(data)
        doc = json.loads(data, parse_constant=_no_json_constants)
        if type(doc) is not dict or doc.get("format") != FORMAT or doc.get("key") != key:
            raise _Bad
        check = _Checker(COMPUTE, set(verify.names()) if verifiers is None else verifiers)
        questions = tuple(check.question(row) for row in _list(doc["questions"]))
        if len({q.id for q in questions}) != len(questions):
            raise _Bad
        titles = doc["titles"]
        if type(titles) is not dict:
            raise _Bad
        titles = {check.word(k, TOPIC_RE): _txt(v) for k, v in titles.items()}
        problems = []
        for p in _list(doc["problems"]):
            path, line, col, code, message = _list(p, 5)
            if code not in LINT_ONLY or type(line) is not int or type(col) is not int:
                raise _Bad
            problems.append(Problem(_str(path), line, col, code, _str(message)))
        return Bank(questions, titles), problems
    except (Unreadable, OSError, ValueError, TypeError, KeyError, RecursionError, _Bad):
        return None  # absent, damaged, foreign or stale: the caller parses the banks again


# --- the entry point ---------------------------------------------------------------------------


def load_cached(dirs: list[Path], cache_dir: Path | None) -> tuple[Bank, list[Problem]]:
    """`bank.load`, but reuse the last validated bank when nothing it depends on changed.

    Parsing and validating ~300 questions costs ~150 ms; reading and checking the JSON cache a few
    ms. The cache is only written for a bank that loaded without fatal problems."""
    files, missing = bank_files(dirs)
    if missing:
        raise BankError(missing)
    from . import verify

    verifiers = set(verify.names())
    key = fingerprint(files, verifiers)
    cache = cache_dir / CACHE_NAME if cache_dir else None
    if cache is not None:
        cached = read(cache, key, verifiers)
        if cached is not None:
            return cached
    bank, problems = load(dirs, strict=True)
    if cache is not None:
        write(cache, key, bank, problems)
    return bank, problems
