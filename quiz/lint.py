"""Contributor checks beyond the loader, for `quiz check` and CI.

- Q016 `vanished_ids`: an id that exists on git `main` (or another ref) but not in the
  working tree, and that no question lists in `renamed_from`. Ids are stable forever:
  progress is keyed on them.
- Q022 `verifier_failures`: a question whose verifier (or value_from verifier) fails.
  This one imports torch (it runs the verifiers), so it is opt-in.
- Q026 `placeholders`: a TODO placeholder (as written by `quiz new`) left in a bank.
- Q034/Q035 (parametric.check_draws): a parametric question whose compute function fails or hangs
  for some combination of its parameters (run in a child process with a time limit).

Bank files are read here only through bankfile.read_text (regular files, size-limited); the
loader reports the ones that cannot be read.

Each returns a list of Problems with file:line:col, like the loader. No rich, no torch
at import time.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from .bank import Bank, Map, Question, Seq, bank_files, display_path, parse_yaml, unique_dirs
from .bankfile import read_text_or_none
from .errors import QuizError
from .problems import Problem

DEFAULT_REFS = ("main", "origin/main")
TODO_RE = re.compile(r"(?<![A-Za-z])TODO(?![A-Za-z])")
TODO_ID_RE = re.compile(r"(?:^|[.-])todo(?:$|-)")


def lint(bank: Bank, dirs: list[Path], *, ref: str | None = None,
         run_verifiers: bool = False) -> list[Problem]:  # fmt: skip
    """Everything `quiz check` adds to the loader's problems: Q026 and Q034/Q035 always, Q016 when
    the banks are in a git checkout that has `ref` (default: main, else origin/main; a `ref` given
    that does not exist is a QuizError), Q022 on request."""
    from .parametric import check_draws

    files, _ = bank_files(dirs)
    problems = placeholders(files) + vanished_ids(bank, dirs, ref=ref) + check_draws(bank.questions)
    if run_verifiers:
        problems += verifier_failures(bank)
    return sorted(problems)


# --- Q026: TODO placeholders ------------------------------------------------------------------


def placeholders(files: Iterable[Path | str]) -> list[Problem]:
    """One Q026 per top-level field (title, or a question's prompt, answer, sources, ...) that still
    holds the word TODO, at the first place it occurs; and one for an id with a `todo` slug."""
    problems: list[Problem] = []
    for file in files:
        path = display_path(Path(file))
        data = _tree(read_text_or_none(Path(file)))
        if not isinstance(data, Map):
            continue
        topic = data.get("topic") if isinstance(data.get("topic"), str) else Path(file).stem
        for key in ("title", "description"):
            hits = list(_todos(data.get(key), key, _pos(data, key)))
            if hits:
                problems.append(Problem(path, *hits[0][1], "Q026", _todo_message(f"topic {topic}", hits)))
        qs = data.get("questions")
        if not isinstance(qs, list):
            continue
        for q in qs:
            if not isinstance(q, Map):
                continue
            qid = q.get("id") if isinstance(q.get("id"), str) else "<no id>"
            if TODO_ID_RE.search(qid):
                problems.append(Problem(path, *_pos(q, "id"), "Q026",
                                        f"{qid}: placeholder id; choose a real slug before it is merged "
                                        "(ids are stable forever)"))  # fmt: skip
            for key, value in q.items():
                if key == "id":
                    continue
                hits = list(_todos(value, str(key), _pos(q, key)))
                if hits:
                    problems.append(Problem(path, *hits[0][1], "Q026", _todo_message(qid, hits)))
    return problems


def _todo_message(owner: str, hits: list[tuple[str, tuple[int, int]]]) -> str:
    where = ", ".join(dict.fromkeys(h[0] for h in hits))
    return f"{owner}: placeholder TODO left in {where}"


def _todos(value: Any, where: str, pos: tuple[int, int]):
    """(dotted field name, (line, col)) for every string under `value` that contains TODO."""
    if isinstance(value, str):
        if TODO_RE.search(value):
            yield where, pos
    elif isinstance(value, Map):
        for k, v in value.items():
            yield from _todos(v, f"{where}.{k}", _pos(value, k))
    elif isinstance(value, Seq):  # parsed: one position per item
        for i, v in enumerate(value):
            yield from _todos(v, f"{where}[{i}]", value.item_pos[i])


def _pos(m: Map, key: Any) -> tuple[int, int]:
    return m.key_pos.get(key, (m.line or 1, m.col or 1))


def _tree(text: str | None) -> Any:
    """The parsed YAML of a bank file's text (None for an unreadable file); its problems are the loader's to report."""
    return parse_yaml(text, "")[0] if text is not None else None


# --- Q016: ids that vanished since main -------------------------------------------------------


def _git(cwd: Path, *args: str) -> str | None:
    """What git prints (UTF-8, whatever the locale), or None when git is missing or fails (not a repository, no such
    ref or path)."""
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", errors="replace")


def _has_ref(top: Path, ref: str) -> bool:
    return _git(top, "rev-parse", "--verify", f"{ref}^{{commit}}") is not None  # one commit, not a range


class OldQuestion(NamedTuple):
    id: str
    path: Path  # where the file is (or was) in the working tree
    line: int  # of its id, on the ref
    raw: Map
    ref: str


def old_questions(directory: Path, ref: str | None = None) -> list[OldQuestion] | None:
    """Every question the bank `directory` held at git `ref` (default: main, else origin/main);
    None outside git or when git is missing; [] when the default refs or the directory do not exist
    there. A `ref` given by name that the repository does not have is a QuizError, never a silent skip."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        return None
    shown = _git(directory, "rev-parse", "--show-toplevel")
    if shown is None:
        return None
    top = Path(shown.strip())
    refs = [ref] if ref else list(DEFAULT_REFS)
    found = next((r for r in refs if _has_ref(top, r)), None)
    if found is None and ref:
        raise QuizError(f"--against {ref}: no such git ref in {top}; try `git branch -a` for the names")
    ref = found
    if ref is None:
        return []
    try:
        prefix = directory.relative_to(top.resolve()).as_posix()
    except ValueError:
        return []
    prefix = "" if prefix == "." else prefix
    listing = _git(top, "ls-tree", "--name-only", "-z", f"{ref}:{prefix}")
    if listing is None:
        return []  # the directory did not exist on ref
    out = []
    names = sorted(n for n in listing.split("\0") if n.endswith(".yaml") and not n.startswith("_"))
    for name in names:
        data = _tree(_git(top, "show", f"{ref}:{prefix + '/' if prefix else ''}{name}"))
        qs = data.get("questions") if isinstance(data, Map) else None
        if not isinstance(qs, list):
            continue
        for q in qs:
            if isinstance(q, Map) and isinstance(q.get("id"), str):
                out.append(OldQuestion(q["id"], directory / name, _pos(q, "id")[0], q, ref))
    return out


def vanished_ids(bank: Bank, dirs: list[Path], *, ref: str | None = None) -> list[Problem]:
    """Q016 for each id on `ref` that is neither in the bank nor in any question's renamed_from.

    When a new question looks like the renamed one (it lists a renamed_from that is not on ref, or it
    has the old prompt, or it sits at the old place in the same file), the problem is reported at
    that question; otherwise at line 1 of the file the old question was in."""
    olds = [old_questions(d, ref) for d in unique_dirs(dirs)]
    if ref and all(o is None for o in olds):
        raise QuizError(f"--against {ref}: no bank directory is in a git checkout, so there is nothing to compare")
    old = [entry for o in olds if o for entry in o]
    if not old:
        return []
    current = bank.by_id
    renamed = {r for q in bank.questions for r in q.renamed_from}
    old_ids = {o.id for o in old}
    new_qs = [q for q in bank.questions if q.id not in old_ids]
    problems = []
    claimed: set[str] = set()
    for o in old:
        if o.id in current or o.id in renamed:
            continue
        was = f"{display_path(o.path)}:{o.line} on {o.ref}"
        found = _successor(o, old, new_qs, claimed)
        if found is None:
            problems.append(Problem(display_path(o.path), 1, 1, "Q016", f"question {o.id} ({was}) is gone; ids are "
                                    "stable forever: restore it, or list it in renamed_from of the question that "
                                    "replaces it"))  # fmt: skip
            continue
        q, why = found
        claimed.add(q.id)
        if why.startswith("renamed_from"):
            message = f"{q.id}: {why}, which is not on {o.ref}; did you mean {o.id!r} ({was})?"
        else:
            message = (f"{q.id}: {why} ({was}), which is gone: add `renamed_from: {o.id}` so progress on it follows "
                       "the question")  # fmt: skip
        problems.append(Problem(q.path, q.line, _id_col(q), "Q016", message))
    return problems


def _successor(o: OldQuestion, old: list[OldQuestion], new_qs: list[Question],
               claimed: set[str]) -> tuple[Question, str] | None:  # fmt: skip
    """The new question that most likely replaced the old one, and why we think so; None if none did."""
    candidates = [q for q in new_qs if q.id not in claimed]
    # 1. It lists a renamed_from that does not exist on the ref: probably a typo of this id.
    old_ids = {e.id for e in old}
    for q in candidates:
        for r in q.renamed_from:
            if r not in old_ids and difflib.SequenceMatcher(None, r, o.id).ratio() >= 0.75:
                return q, f"renamed_from lists {r!r}"
    # 2. It has the old prompt.
    prompt = o.raw.get("prompt")
    if isinstance(prompt, Map) and (old_en := _norm(prompt.get("en"))):
        for q in candidates:
            if _norm(q.prompt.en) == old_en:
                return q, f"has the prompt of {o.id}"
    # 3. It sits where the old question sat, in the same file.
    old_order = [e.id for e in old if e.path == o.path]
    now = _file_order(o.path)
    i = old_order.index(o.id)
    if i < len(now):
        pick = next((q for q in candidates if q.id == now[i]), None)
        if pick is not None:
            return pick, f"sits where {o.id} was"
    return None


def _file_order(path: Path) -> list[str]:
    data = _tree(read_text_or_none(path))
    qs = data.get("questions") if isinstance(data, Map) else None
    return [q.get("id") for q in qs if isinstance(q, Map)] if isinstance(qs, list) else []


def _norm(text: Any) -> str:
    return re.sub(r"\W+", "", str(text).casefold()) if text is not None else ""


def _id_col(q: Question) -> int:
    raw = _raw_question(q)
    return _pos(raw, "id")[1] if raw is not None else 1


# --- Q022: failing verifiers ------------------------------------------------------------------


_RAW: dict[tuple[Path, int], dict] = {}  # (file, mtime) -> {id: raw question}


def _raw_question(q: Question) -> Map | None:
    """The parsed mapping a question came from, for key positions."""
    path = Path(q.path)
    try:
        key = (path.resolve(), path.stat().st_mtime_ns)
    except OSError:
        return None
    if key not in _RAW:
        data = _tree(read_text_or_none(path))
        qs = data.get("questions") if isinstance(data, Map) else None
        _RAW[key] = {m.get("id"): m for m in qs if isinstance(m, Map)} if isinstance(qs, list) else {}
    return _RAW[key].get(q.id)


def verifier_failures(bank: Bank, directory: Path | None = None, seed: int = 0) -> list[Problem]:
    """Run every verifier a question references (by `verifier:` or `answer.value_from`) once, and
    report each question that relies on a failing one at that line. Imports torch."""
    from . import verify

    directory = directory or verify.VERIFIERS_DIR
    uses: dict[str, list[tuple[Question, str]]] = {}
    for q in bank.questions:
        if q.verifier:
            uses.setdefault(q.verifier, []).append((q, "verifier"))
        if q.numeric and q.numeric.value_from:
            uses.setdefault(q.numeric.value_from.split(".")[0], []).append((q, "value_from"))
    problems = []
    for name in sorted(uses):
        if not verify.exists(name, directory):
            continue  # the loader reports unknown verifiers (Q010)
        why = _run_verifier(verify, name, directory, seed)
        if not why:
            continue
        for q, key in uses[name]:
            raw = _raw_question(q)
            if raw is not None and key == "value_from" and isinstance(raw.get("answer"), Map):
                line, col = _pos(raw["answer"], "value_from")
            elif raw is not None:
                line, col = _pos(raw, key)
            else:
                line, col = q.line, 1
            message = f"{q.id}: verifier {name} fails: {why}; run `quiz verify {name}`"
            problems.append(Problem(q.path, line, col, "Q022", message))
    return problems


def _run_verifier(verify, name: str, directory: Path, seed: int) -> str:
    """'' when the verifier passes, else a short reason."""
    try:
        result = verify.run(name, seed=seed, directory=directory)
    except Exception as exc:  # a verifier that cannot even be imported fails too
        return f"{type(exc).__name__}: {exc}"
    if result.error:
        return result.error
    if not result.checks:
        return "it returns no checks"
    bad = [c for c in result.checks if not c.passed]
    if not bad:
        return ""
    shown = "; ".join(f"{c.name} expected {c.expected:.6g}, measured {c.measured:.6g}" for c in bad[:3])
    return shown + (f" (and {len(bad) - 3} more)" if len(bad) > 3 else "")
