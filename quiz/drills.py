"""Coding drills: load and validate `drills/<name>/` (drill.yaml + python files) without importing torch.

The format is documented in drills/README.md. Loading reads YAML (safe) and parses the python files
with `ast` only; nothing a drill or a learner wrote is executed here. `evaluate` executes a file (the
learner's, or a drill's own wrong solution) in this process: only the test harness calls it; the quiz
judges learners in the sandbox (quiz/sandbox.py), which runs the same code in a child.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bank import TOPIC_RE, Map, Seq, Text, _Validator, display_path, parse_yaml
from .paths import DRILLS_DIR
from .problems import Problem

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED_FILES = ("stub.py", "reference.py", "judge.py")
MIN_WRONG = 4
KEYS = {"id", "topic", "title", "prompt", "function", "signature", "difficulty", "tags", "banned", "hints",
        "check_hints", "sources"}  # fmt: skip
REQUIRED_KEYS = KEYS - {"tags", "banned", "check_hints"}
MAX_SOURCE_BYTES = 200_000  # a learner's file larger than this is refused before it is judged

# Problem codes for drills (quiz check); the loader's YAML codes (Q002-Q005, Q013, Q023, Q024) apply too.
CODES: dict[str, str] = {
    "Q040": "drill directory without drill.yaml, or drill.yaml is not a mapping",
    "Q041": "drill file missing (stub.py, reference.py or judge.py)",
    "Q042": "drill id does not match its directory name (lowercase letters, digits, underscores)",
    "Q043": "drill needs at least 4 wrong_*.py solutions",
    "Q044": "wrong_/cheat_ solution without a one-line docstring or a FAILS = \"<check name>\" constant",
    "Q045": "drill bans calls but has no cheat_*.py solution",
    "Q046": "drill hints must be exactly 3, each with en and zh",
    "Q047": "drill python file has a syntax error, or lacks its function (stub, reference, solutions) or run/informative",
    "Q048": "banned entry is not a dotted torch path (e.g. torch.nn.functional.softmax)",
    "Q049": "a question id in the banks uses the drill. prefix reserved for drills",
}


def drills_dir() -> Path:
    """The built-in drills; QUIZ_DRILLS_DIR replaces them (tests, or your own set)."""
    return Path(os.environ.get("QUIZ_DRILLS_DIR") or DRILLS_DIR)


@dataclass(frozen=True)
class Drill:
    name: str
    topic: str
    title: Text
    prompt: Text
    function: str
    signature: str
    difficulty: int
    directory: Path
    tags: tuple[str, ...] = ()
    banned: tuple[str, ...] = ()
    hints: tuple[Text, ...] = ()
    check_hints: dict = field(default_factory=dict)  # check name -> Text
    sources: tuple[dict, ...] = ()
    wrong: tuple[str, ...] = ()  # file stems: wrong_*, cheat_*

    @property
    def question_id(self) -> str:
        return f"drill.{self.name}"

    def file(self, part: str) -> Path:
        return self.directory / f"{part}.py"

    def stub(self) -> str:
        return self.file("stub").read_text(encoding="utf-8")

    def hint_for(self, check: str) -> Text | None:
        return self.check_hints.get(check) or self.check_hints.get(check.split(".")[0])

    def to_json(self) -> dict:
        return {**self.summary(), "prompt": self.prompt.to_dict(), "directory": str(self.directory),
                "hints": [h.to_dict() for h in self.hints], "sources": [dict(x) for x in self.sources],
                "check_hints": {k: v.to_dict() for k, v in self.check_hints.items()}, "wrong": list(self.wrong)}  # fmt: skip

    @classmethod
    def from_json(cls, d: dict) -> Drill:
        text = lambda t: Text(str(t["en"]), str(t["zh"]))  # noqa: E731
        return cls(str(d["name"]), str(d["topic"]), text(d["title"]), text(d["prompt"]), str(d["function"]),
                   str(d["signature"]), int(d["difficulty"]), Path(d["directory"]), tuple(map(str, d["tags"])),
                   tuple(map(str, d["banned"])), tuple(text(h) for h in d["hints"]),
                   {str(k): text(v) for k, v in d["check_hints"].items()}, tuple(dict(x) for x in d["sources"]),
                   tuple(map(str, d["wrong"])))  # fmt: skip

    def summary(self) -> dict:
        return {"name": self.name, "id": self.question_id, "topic": self.topic, "title": self.title.to_dict(),
                "function": self.function, "signature": self.signature, "difficulty": self.difficulty,
                "tags": list(self.tags), "banned": list(self.banned)}  # fmt: skip


# --- loading --------------------------------------------------------------------------------------


def names(directory: Path | None = None) -> list[str]:
    directory = directory or drills_dir()
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def load(directory: Path | None = None) -> tuple[list[Drill], list[Problem]]:
    """Every drill that validates, and the problems of those that do not (all of them, file:line)."""
    directory = directory or drills_dir()
    drills, problems = [], []
    for name in names(directory):
        drill, found = load_one(directory / name)
        problems += found
        if drill is not None and not any(p.code not in {"Q013"} for p in found):
            drills.append(drill)
    return drills, sorted(problems)


def load_one(d: Path, python: bool = True) -> tuple[Drill | None, list[Problem]]:
    """One drill directory. `python=False` skips the ast checks of the python files (study and listings
    only need drill.yaml; `quiz check` and the tests check everything)."""
    path = display_path(d / "drill.yaml")
    problems: list[Problem] = []
    yaml_file = d / "drill.yaml"
    if not yaml_file.is_file():
        return None, [Problem(display_path(d), 1, 1, "Q040", f"drill directory {d.name} has no drill.yaml")]
    try:
        data, found = parse_yaml(yaml_file.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, 1, 1, "Q002", f"cannot read: {exc}")]
    problems += found
    if not isinstance(data, Map):
        if data is not None or not found:
            problems.append(Problem(path, 1, 1, "Q040", "drill.yaml must be a mapping with id, topic, title, ..."))
        return None, problems
    v = _Validator(path, problems, set(), {}, {})
    pos = v.pos
    for key in data:
        if key not in KEYS:
            v.problem(pos(data, key), "Q003", f"unknown key {key!r} (expected one of {', '.join(sorted(KEYS))})")
    for key in sorted(REQUIRED_KEYS - set(data)):
        v.problem(pos(data), "Q004", f"missing {key}")
    name = data.get("id")
    if not isinstance(name, str) or name != d.name or not NAME_RE.match(name):
        v.problem(pos(data, "id") if "id" in data else pos(data), "Q042",
                  f"id {name!r} must equal the directory name {d.name!r} (lowercase, digits, underscores)")  # fmt: skip
        name = d.name
    topic = data.get("topic")
    if not isinstance(topic, str) or not TOPIC_RE.match(topic):
        v.problem(pos(data, "topic") if "topic" in data else pos(data), "Q005", "topic: a lowercase slug such as norms")
        topic = "drills"
    qid = f"drill {name}"
    title = v.text_value(data["title"], pos(data, "title"), "title", qid) if "title" in data else None
    prompt = v.text_value(data["prompt"], pos(data, "prompt"), "prompt", qid) if "prompt" in data else None
    function = data.get("function")
    if "function" in data and (not isinstance(function, str) or not function.isidentifier()):
        v.problem(pos(data, "function"), "Q005", "function: the python name the learner defines")
        function = None
    signature = data.get("signature")
    if "signature" in data and (not isinstance(signature, str) or not isinstance(function, str)
                                or not signature.startswith(f"{function}(")):  # fmt: skip
        v.problem(pos(data, "signature"), "Q005", f"signature: text starting with {function}(")
    difficulty = data.get("difficulty")
    if "difficulty" in data and (isinstance(difficulty, bool) or difficulty not in (1, 2, 3)):
        v.problem(pos(data, "difficulty"), "Q024", "difficulty is 1, 2 or 3")
        difficulty = 2
    tags = _strings(v, data, "tags")
    banned = _strings(v, data, "banned")
    for i, b in enumerate(banned):
        if not re.fullmatch(r"torch(\.[A-Za-z_][A-Za-z0-9_]*)+", b):
            v.problem(pos(data["banned"], i), "Q048", f"banned entry {b!r} must be a dotted torch path")
    hints = _hints(v, data, qid)
    check_hints = {}
    ch = data.get("check_hints")
    if ch is not None:
        if not isinstance(ch, Map):
            v.problem(pos(data, "check_hints"), "Q005", "check_hints: a mapping of check name -> {en, zh}")
        else:
            for k, val in ch.items():
                t = v.text_value(val, pos(ch, k), f"check_hints.{k}", qid)
                if t:
                    check_hints[str(k)] = t
    sources = data.get("sources")
    if "sources" in data and not (isinstance(sources, Seq) and sources and all(isinstance(s, Map) for s in sources)):
        v.problem(pos(data, "sources"), "Q005", "sources: a non-empty list of {paper, where} or {post, section}")
        sources = []
    if python:
        problems += python_problems(d, function if isinstance(function, str) else None, bool(banned))
    if problems and any(p.code != "Q013" for p in problems):
        return None, problems
    wrong = tuple(sorted(p.stem for p in d.glob("*.py") if p.stem.startswith(("wrong_", "cheat_"))))
    return Drill(name, topic, title, prompt, function, signature, difficulty, d, tags, banned, hints, check_hints,
                 tuple(dict(s) for s in sources or ()), wrong), problems  # fmt: skip


def _strings(v: _Validator, data: Map, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        v.problem(v.pos(data, key), "Q005", f"{key}: a list of strings")
        return ()
    return tuple(value)


def _hints(v: _Validator, data: Map, qid: str) -> tuple[Text, ...]:
    value = data.get("hints")
    if value is None:
        return ()
    if not isinstance(value, Seq) or len(value) != 3:
        v.problem(v.pos(data, "hints"), "Q046", "hints: exactly 3, from a nudge to nearly the answer, each {en, zh}")
        return ()
    out = []
    for i, h in enumerate(value):
        t = v.text_value(h, v.pos(value, i), f"hints[{i + 1}]", qid)
        if t is None or not (t.en and t.zh):
            v.problem(v.pos(value, i), "Q046", f"hint {i + 1} needs en and zh text")
        out.append(t or Text("", ""))
    return tuple(out)


def _parse(path: Path, problems: list[Problem]) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        problems.append(Problem(display_path(path), exc.lineno or 1, exc.offset or 1, "Q047", f"syntax error: {exc.msg}"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(Problem(display_path(path), 1, 1, "Q047", f"cannot read: {exc}"))
    return None


def defines(tree: ast.Module, name: str) -> bool:
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name for n in tree.body)


def python_problems(d: Path, function: str | None, bans: bool) -> list[Problem]:
    """The python side of a drill, checked with ast only (never imported here)."""
    problems: list[Problem] = []
    for f in REQUIRED_FILES:
        if not (d / f).is_file():
            problems.append(Problem(display_path(d), 1, 1, "Q041", f"drill {d.name} has no {f}"))
    for f in ("stub", "reference"):
        tree = _parse(d / f"{f}.py", problems) if (d / f"{f}.py").is_file() else None
        if tree is not None and function and not defines(tree, function):
            problems.append(Problem(display_path(d / f"{f}.py"), 1, 1, "Q047", f"{f}.py does not define {function}()"))
    judge = _parse(d / "judge.py", problems) if (d / "judge.py").is_file() else None
    for fn in ("run", "informative"):
        if judge is not None and not defines(judge, fn):
            problems.append(Problem(display_path(d / "judge.py"), 1, 1, "Q047", f"judge.py does not define {fn}()"))
    wrongs = sorted(d.glob("wrong_*.py"))
    cheats = sorted(d.glob("cheat_*.py"))
    if len(wrongs) < MIN_WRONG:
        problems.append(Problem(display_path(d), 1, 1, "Q043",
                                f"drill {d.name} has {len(wrongs)} wrong_*.py solutions; at least {MIN_WRONG}"))  # fmt: skip
    if bans and not cheats:
        problems.append(Problem(display_path(d / "drill.yaml"), 1, 1, "Q045",
                                f"drill {d.name} bans calls but has no cheat_*.py that uses one"))  # fmt: skip
    for f in wrongs + cheats:
        tree = _parse(f, problems)
        if tree is None:
            continue
        doc = ast.get_docstring(tree)
        fails = wrong_fails(tree)
        if not doc or "\n" in doc.strip() or not fails:
            problems.append(Problem(display_path(f), 1, 1, "Q044",
                                    'needs a one-line docstring naming the mistake and FAILS = "<check name>"'))  # fmt: skip
        if function and not defines(tree, function):
            problems.append(Problem(display_path(f), 1, 1, "Q047", f"{f.name} does not define {function}()"))
    return problems


def wrong_fails(tree: ast.Module) -> str | None:
    """The FAILS constant of a wrong_/cheat_ file, read from its AST."""
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "FAILS" and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str) and node.value.value):  # fmt: skip
            return node.value.value
    return None


def check_all(bank=None, directory: Path | None = None) -> list[Problem]:
    """`quiz check` for drills: every drill directory's problems, and Q049 for a bank question that
    uses the `drill.` id prefix (reserved: drill cards are keyed drill.<name> in the review log)."""
    _, problems = load(directory)
    for q in bank.questions if bank is not None else ():
        if q.id.startswith("drill.") and q.type != "drill":
            problems.append(Problem(q.path, q.line, 1, "Q049", f"{q.id}: the drill. prefix is reserved for coding drills"))
    return sorted(problems)


def find(name: str, directory: Path | None = None) -> Drill:
    """One drill by name, or QuizError naming the close matches."""
    from .errors import QuizError

    directory = directory or drills_dir()
    if not NAME_RE.match(name) or not (directory / name).is_dir():
        import difflib

        close = difflib.get_close_matches(name, names(directory), n=3)
        raise QuizError(f"no drill named {name!r}" + (f"; did you mean {', '.join(close)}?" if close else
                                                      "; see `quiz drill`"))  # fmt: skip
    drill, problems = load_one(directory / name)
    if drill is None:
        raise QuizError(f"drill {name} is broken: {problems[0]}")
    return drill


# --- judging (executes code: only in the sandbox child or the test harness) ----------------------------


def toolkit(directory: Path | None = None):
    """drills/_judge.py, importable as `_judge` (the judges do `from _judge import ...`). Imports torch."""
    directory = (directory or drills_dir()).resolve()
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    import _judge

    return _judge


def evaluate(drill: Drill, path: Path, seed: int = 0, source: str | None = None) -> list[Any]:
    """Judge the file at `path` in this process, through the same code the sandbox child runs: the checks
    (no_banned_calls first) as objects with name, expected, measured, tolerance, passed, note, example.
    A file that cannot be judged at all is one failed check, `file_loads`, carrying the one-line error."""
    from types import SimpleNamespace

    from . import _drill_child

    source = path.read_text(encoding="utf-8") if source is None else source
    verdict = _drill_child.evaluate({"drills_dir": str(drill.directory.parent.resolve()), "drill": drill.name,
                                     "function": drill.function, "banned": list(drill.banned), "source": source,
                                     "filename": str(path), "seed": seed})  # fmt: skip
    if verdict["error"]:
        return [SimpleNamespace(name="file_loads", expected=1.0, measured=0.0, tolerance=0.0, passed=False,
                                note=verdict["error"], relation="=", example="")]  # fmt: skip
    return [SimpleNamespace(**c) for c in verdict["checks"]]
