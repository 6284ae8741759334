"""Load and validate YAML question banks into frozen dataclasses.

Every problem carries file:line:col and a stable code (see problems.py), and the
loader reports all of them in one pass. YAML is parsed with the safe loader only;
nothing in a bank is ever executed.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .bankfile import Map, Seq, parse_yaml, read_text  # noqa: F401  (Map, Seq, parse_yaml: re-exported)
from .errors import TYPES
from .problems import LINT_ONLY, BankError, Problem
from .safe_text import CJK

LANGS = ("en", "zh")
ID_RE = re.compile(r"^[a-z0-9_]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_RE = re.compile(r"^[a-z][a-z0-9_]*$")
GAP_RE = re.compile(r"\{\{(.+?)\}\}")
# A cloze prompt whose every gap can be answered: text, and gaps {{a|b}} on one line whose alternatives
# each hold a non-space character; no gap inside a gap, no stray {{ or }}. questions/schema.json has
# the same pattern (tests/test_schema.py checks they agree); _cloze_problem says what is wrong and where.
_GAP_ALT = r"[^\S\n]*(?!\{\{|\}\})[^\s|](?:(?!\{\{|\}\})[^|\n])*"
CLOZE_PATTERN = r"^(?:(?!\{\{|\}\})[\s\S]|\{\{" + _GAP_ALT + r"(?:\|" + _GAP_ALT + r")*\}\})*$"
_CLOZE_TOKEN_RE = re.compile(r"\{\{|\}\}|\n")
TAG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# YAML folds a wrapped line into a space; between two CJK characters that space is never meant.
CJK_SPACE_RE = re.compile(f"(?<=[{CJK}])[ \t]+(?=[{CJK}])")

FILE_KEYS = {"topic", "title", "description", "questions"}
QUESTION_KEYS = {
    "id", "type", "difficulty", "tags", "prompt", "answer", "explanation",
    "verifier", "sources", "renamed_from", "choices", "params",
}  # fmt: skip
TYPE_ONLY_KEYS = {"choices": "mcq", "params": "numeric"}
NUMERIC_KEYS = {"value", "value_from", "compute", "tolerance", "unit"}
SOURCE_KINDS = {"post": "section", "paper": "where", "url": "title"}



# --- the data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" and self.zh else self.en

    def to_dict(self) -> dict:
        return {"en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class Choice:
    text: Text
    correct: bool


@dataclass(frozen=True)
class Numeric:
    value: float | None  # resolved: from `value`, or `value_from` via verifiers/expected.json
    value_from: str | None
    compute: str | None
    tolerance: float
    unit: str


@dataclass(frozen=True)
class Param:
    name: str
    choices: tuple = ()  # pick one of these, or draw from the range below
    low: float = 0
    high: float = 0
    step: float = 1


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    type: str
    difficulty: int
    prompt: Text
    answer: Text | None
    explanation: Text | None = None
    tags: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    numeric: Numeric | None = None
    params: tuple[Param, ...] = ()
    verifier: str | None = None
    sources: tuple[dict, ...] = ()
    renamed_from: tuple[str, ...] = ()
    path: str = ""
    line: int = 0

    @property
    def parametric(self) -> bool:
        return bool(self.params)

    def gaps(self, lang: str) -> list[list[str]]:
        """Cloze gaps in the prompt: each a list of accepted alternatives."""
        return [[alt.strip() for alt in m.split("|")] for m in GAP_RE.findall(self.prompt.get(lang))]

    def proof(self) -> tuple[str | None, str | None]:
        """(verifier, check) that proves this card: its `verifier`, else the one its number comes from;
        the check is named only when `value_from` points into that verifier."""
        source = self.numeric.value_from if self.numeric and self.numeric.value_from else None
        name = self.verifier or (source.split(".")[0] if source else None)
        check = source.split(".", 1)[1] if source and name and source.startswith(name + ".") else None
        return name, check

    def cloze_answer(self) -> Text:
        """A cloze card's answer: the prompt with each gap filled by its first accepted form."""
        fill = lambda s: GAP_RE.sub(lambda m: m[1].split("|")[0].strip(), s)  # noqa: E731
        return Text(fill(self.prompt.en), fill(self.prompt.zh))

    @cached_property  # frozen dataclasses still allow this: it writes the instance __dict__ directly
    def content_hash(self) -> str:
        """Changes when the prompt or answer changes, so edited cards can be flagged."""
        parts = [self.type, self.prompt.en, self.prompt.zh]
        if self.answer:
            parts += [self.answer.en, self.answer.zh]
        parts += [f"{c.text.en}|{c.correct}" for c in self.choices]
        if self.numeric:
            parts += [str(self.numeric.value), str(self.numeric.compute), str(self.numeric.tolerance)]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        answer = self.answer or (self.cloze_answer() if self.type == "cloze" else None)
        d: dict[str, Any] = {
            "id": self.id,
            "topic": self.topic,
            "type": self.type,
            "difficulty": self.difficulty,
            "tags": list(self.tags),
            "verifier": self.verifier,
            "sources": [dict(s) for s in self.sources],
            "prompt": self.prompt.to_dict(),
            "answer": answer.to_dict() if answer else None,
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "file": self.path,
            "line": self.line,
        }
        if self.choices:
            d["choices"] = [{**c.text.to_dict(), "correct": c.correct} for c in self.choices]
        if self.numeric:
            n = self.numeric
            d["numeric"] = {"value": n.value, "value_from": n.value_from, "compute": n.compute,
                            "tolerance": n.tolerance, "unit": n.unit}  # fmt: skip
        if self.params:
            d["params"] = {p.name: list(p.choices) or {"min": p.low, "max": p.high, "step": p.step}
                           for p in self.params}  # fmt: skip
        return d


@dataclass(frozen=True)
class Bank:
    questions: tuple[Question, ...]
    titles: dict[str, Text] = field(default_factory=dict)  # topic -> title

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(q.topic for q in self.questions))

    @cached_property
    def renames(self) -> dict[str, str]:
        """Old id -> the id that replaced it (`renamed_from`), for ids no question uses any more."""
        return {old: q.id for q in self.questions for old in q.renamed_from if old not in self.by_id}


# --- validation ------------------------------------------------------------------------------


class _Validator:
    """Turns one parsed file into Questions, recording every problem it sees."""

    def __init__(self, path: str, problems: list[Problem], verifier_names: set[str],
                 expected: dict[str, float], compute: dict):  # fmt: skip
        self.path, self.problems = path, problems
        self.verifier_names, self.expected, self.compute = verifier_names, expected, compute

    def problem(self, where: tuple[int, int], code: str, message: str) -> None:
        self.problems.append(Problem(self.path, where[0], where[1], code, message))

    @staticmethod
    def pos(container: Any, key: Any = None) -> tuple[int, int]:
        if isinstance(container, Map) and key is not None and key in container.key_pos:
            return container.key_pos[key]
        if isinstance(container, Seq) and isinstance(key, int) and key < len(container.item_pos):
            return container.item_pos[key]
        if isinstance(container, (Map, Seq)):
            return (container.line or 1, container.col or 1)  # 0: built by hand, not parsed
        return (1, 1)

    def text(self, m: Map, key: str, qid: str, required: bool = True) -> Text | None:
        value = m.get(key)
        if value is None:
            if required:
                self.problem(self.pos(m), "Q004", f"{qid}: missing {key} (with en and zh)")
            return None
        return self.text_value(value, self.pos(m, key), key, qid)

    def text_value(self, value: Any, where: tuple[int, int], key: str, qid: str) -> Text | None:
        """A bilingual {en, zh} mapping; answers may also carry the numeric keys, choices `correct`."""
        if not isinstance(value, Map):
            self.problem(where, "Q005", f"{qid}: {key} must be a mapping with en and zh")
            return Text(value, "") if isinstance(value, str) else None
        return self.bilingual(value, key, qid)

    def bilingual(self, value: Map, key: str, qid: str) -> Text:
        allowed = set(LANGS) | {"answer": NUMERIC_KEYS, "choice": {"correct"}}.get(key, set())
        for k in value:
            if k not in allowed:
                self.problem(self.pos(value, k), "Q003", f"{qid}: unknown key {k!r} in {key}")
        out = {}
        for lang in LANGS:
            v = value.get(lang)
            if v is None:
                out[lang] = ""
            elif isinstance(v, bool) or not isinstance(v, (str, int, float)):  # `yes` is not text
                self.problem(self.pos(value, lang), "Q005", f"{qid}: {key}.{lang} must be text")
                out[lang] = ""
            else:
                out[lang] = str(v).strip()
            if lang == "zh":
                out[lang] = CJK_SPACE_RE.sub("", out[lang])
        # A numeric answer may be just the number; any other text needs both languages.
        optional = key == "answer" and "tolerance" in value and not any(out.values())
        for lang in LANGS:
            if not out[lang] and not optional:
                self.problem(self.pos(value), "Q013", f"{qid}: {key} has no {lang} text")
        return Text(out["en"], out["zh"])

    def question(self, m: Any, topic: str, index_pos: tuple[int, int], seen: dict) -> Question | None:
        if not isinstance(m, Map):
            self.problem(index_pos, "Q005", "each question must be a mapping (id: ..., type: ...)")
            return None
        qid = m.get("id")
        if qid is None:
            self.problem(self.pos(m), "Q004", "question without an id")
            qid = "<no id>"
        elif not isinstance(qid, str) or not ID_RE.match(qid):
            self.problem(self.pos(m, "id"), "Q020", f"bad id {qid!r}: use {topic}.<slug>, e.g. {topic}.why-scale")
            qid = str(qid)
        elif not qid.startswith(topic + "."):
            self.problem(self.pos(m, "id"), "Q020", f"id {qid!r} must start with the topic: {topic}.")
        if qid in seen:
            other = seen[qid]
            self.problem(self.pos(m, "id"), "Q001", f"duplicate id {qid!r} (also at {other[0]}:{other[1]})")
        elif isinstance(m.get("id"), str):  # "<no id>" or a non-text id is reported above, never as a duplicate
            seen[qid] = (self.path, self.pos(m, "id")[0])

        qtype = m.get("type")
        if qtype is None:
            self.problem(self.pos(m), "Q004", f"{qid}: missing type ({' | '.join(TYPES)})")
        elif qtype not in TYPES:
            self.problem(self.pos(m, "type"), "Q024", f"{qid}: type {qtype!r} is not one of {', '.join(TYPES)}")
            qtype = None

        for key in m:
            if key not in QUESTION_KEYS:
                hint = _closest(str(key), QUESTION_KEYS)
                self.problem(self.pos(m, key), "Q003",
                             f"{qid}: unknown key {key!r}" + (f" (did you mean {hint!r}?)" if hint else ""))  # fmt: skip
            elif key in TYPE_ONLY_KEYS and qtype and qtype != TYPE_ONLY_KEYS[key]:
                self.problem(self.pos(m, key), "Q003", f"{qid}: {key!r} only belongs to {TYPE_ONLY_KEYS[key]} questions")

        difficulty = m.get("difficulty")
        if difficulty is None:
            self.problem(self.pos(m), "Q004", f"{qid}: missing difficulty (1 easy, 2 medium, 3 hard)")
            difficulty = 2
        elif not isinstance(difficulty, int) or isinstance(difficulty, bool):
            self.problem(self.pos(m, "difficulty"), "Q005", f"{qid}: difficulty must be 1, 2 or 3")
            difficulty = 2
        elif difficulty not in (1, 2, 3):
            self.problem(self.pos(m, "difficulty"), "Q024", f"{qid}: difficulty must be 1, 2 or 3, not {difficulty}")

        tags = m.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.problem(self.pos(m, "tags"), "Q005", f"{qid}: tags must be a list of words")
            tags = []
        for i, tag in enumerate(tags):
            if not TAG_RE.match(tag):
                fix = "-".join(re.findall(r"[a-z0-9]+", tag.lower()))
                self.problem(self.pos(tags, i), "Q037", f"{qid}: tag {tag!r} must be lowercase words joined by "
                             "hyphens, without spaces" + (f" (e.g. {fix!r})" if fix else ""))  # fmt: skip
        tags = [t for t in tags if TAG_RE.match(t)]

        prompt = self.text(m, "prompt", qid) or Text("", "")
        answer = self.text(m, "answer", qid, required=qtype not in ("cloze", "numeric", None))
        if qtype == "numeric" and m.get("answer") is None:
            self.problem(self.pos(m), "Q004", f"{qid}: numeric question needs answer with value and tolerance")
        explanation = self.text(m, "explanation", qid, required=False)
        if answer and (answer.en or answer.zh) and _same(prompt.en, answer.en):
            self.problem(self.pos(m, "answer"), "Q015", f"{qid}: the answer repeats the prompt")

        verifier = m.get("verifier")
        if verifier is not None:
            if not isinstance(verifier, str):
                self.problem(self.pos(m, "verifier"), "Q005", f"{qid}: verifier must be a name")
                verifier = None
            elif verifier not in self.verifier_names:
                hint = _closest(verifier, self.verifier_names)
                self.problem(self.pos(m, "verifier"), "Q010", f"{qid}: unknown verifier {verifier!r}"
                             + (f" (did you mean {hint!r}?)" if hint else " (see `quiz verify --list`)"))  # fmt: skip

        sources = self.sources(m, qid)
        renamed = m.get("renamed_from", [])
        if isinstance(renamed, str):
            renamed = [renamed]
        if not isinstance(renamed, list) or not all(isinstance(r, str) for r in renamed):
            self.problem(self.pos(m, "renamed_from"), "Q005", f"{qid}: renamed_from must be an id or a list of ids")
            renamed = []

        choices: tuple[Choice, ...] = ()
        numeric = None
        params: tuple[Param, ...] = ()
        if qtype == "mcq":
            choices = self.choices(m, qid)
        elif qtype == "numeric":
            params = self.params(m, qid)
            numeric = self.numeric(m, qid, params)
        elif qtype == "cloze":
            raw_prompt = m.get("prompt")
            for lang, text in (("en", prompt.en), ("zh", prompt.zh)):
                if text and not GAP_RE.search(text):
                    self.problem(self.pos(m, "prompt"), "Q009",
                                 f"{qid}: cloze prompt ({lang}) has no {{{{gap}}}}")  # fmt: skip
                elif text and (bad := _cloze_problem(text)):
                    self.problem(self.pos(raw_prompt, lang) if isinstance(raw_prompt, Map) else self.pos(m, "prompt"),
                                 "Q036", f"{qid}: cloze prompt ({lang}): {bad}")  # fmt: skip

        return Question(
            id=qid, topic=topic, type=qtype or "flashcard", difficulty=difficulty, prompt=prompt,
            answer=answer, explanation=explanation, tags=tuple(tags), choices=choices, numeric=numeric,
            params=params, verifier=verifier, sources=sources, renamed_from=tuple(renamed),
            path=self.path, line=self.pos(m)[0],
        )  # fmt: skip

    def sources(self, m: Map, qid: str) -> tuple[dict, ...]:
        sources = m.get("sources")
        if sources is None or sources == []:
            self.problem(self.pos(m, "sources"), "Q014", f"{qid}: no sources (a post and section, or a paper)")
            return ()
        if not isinstance(sources, list):
            self.problem(self.pos(m, "sources"), "Q005", f"{qid}: sources must be a list")
            return ()
        out = []
        for i, s in enumerate(sources):
            where = self.pos(sources, i)
            kinds = [k for k in SOURCE_KINDS if isinstance(s, dict) and k in s]
            if len(kinds) != 1:
                self.problem(where, "Q005", f"{qid}: a source is one of {{post, section}}, {{paper, where}}, {{url, title}}")
                continue
            allowed = {kinds[0], SOURCE_KINDS[kinds[0]]}
            for k in s:
                if k not in allowed:
                    self.problem(self.pos(s, k), "Q003", f"{qid}: unknown key {k!r} in a {kinds[0]} source")
            if not all(isinstance(v, (str, int)) for v in s.values()):
                self.problem(where, "Q005", f"{qid}: source fields must be text")
                continue
            out.append({k: str(v) for k, v in s.items()})
        return tuple(out)

    def choices(self, m: Map, qid: str) -> tuple[Choice, ...]:
        raw = m.get("choices")
        if not isinstance(raw, list) or len(raw) < 2:
            self.problem(self.pos(m, "choices") if raw is not None else self.pos(m),
                         "Q004" if raw is None else "Q005", f"{qid}: mcq needs a list of 2 to 6 choices")  # fmt: skip
            return ()
        out = []
        for i, c in enumerate(raw):
            if not isinstance(c, Map):
                self.problem(self.pos(raw, i), "Q005", f"{qid}: a choice is a mapping with en, zh (and correct: true)")
                continue
            correct = c.get("correct", False)
            if not isinstance(correct, bool):
                self.problem(self.pos(c, "correct"), "Q005", f"{qid}: correct must be true or false")
                correct = False
            out.append(Choice(self.bilingual(c, "choice", qid), correct))
        n = sum(c.correct for c in out)
        if n != 1:
            self.problem(self.pos(m, "choices"), "Q006", f"{qid}: {n} choices marked correct: true; mark exactly one")
        if len(raw) > 6:
            self.problem(self.pos(m, "choices"), "Q024", f"{qid}: {len(raw)} choices; use at most 6")
        return tuple(out)

    def params(self, m: Map, qid: str) -> tuple[Param, ...]:
        self.refused_params: set[str] = set()
        raw = m.get("params")
        if raw is None:
            return ()
        if not isinstance(raw, Map) or not raw:
            self.problem(self.pos(m, "params"), "Q005", f"{qid}: params must map names to a list or {{min, max}}")
            return ()
        out = []
        self.refused_params = {str(name) for name in raw}  # minus the good ones below: no second Q012 for them
        for name, spec in raw.items():
            where = self.pos(raw, name)
            numbers = spec if isinstance(spec, list) else list(spec.values()) if isinstance(spec, Map) else []
            bad = next((v for v in numbers if _is_number(v) and not _finite(v)), None)
            if bad is not None:
                self.problem(where, "Q033", f"{qid}: param {name!r} holds {_show(bad)}, not a finite number")
                continue
            param = None
            if isinstance(spec, list):
                if spec and all(_is_number(v) for v in spec):
                    param = Param(str(name), tuple(spec))
            elif isinstance(spec, Map):
                low, high, step = spec.get("min"), spec.get("max"), spec.get("step", 1)
                ranged = all(_is_number(v) for v in (low, high, step)) and step > 0
                if ranged and not _finite_ratio(high - low, step):
                    self.problem(where, "Q033", f"{qid}: param {name!r} spans too many steps to draw from")
                    continue
                if ranged and set(spec) <= {"min", "max", "step"} and low <= high:
                    param = Param(str(name), (), low, high, step)
            if param is None:
                self.problem(where, "Q005", f"{qid}: param {name!r} must be a list of numbers or {{min, max, step}}")
            else:
                out.append(param)
        self.refused_params -= {p.name for p in out}
        return tuple(out)

    def numeric(self, m: Map, qid: str, params: tuple[Param, ...]) -> Numeric | None:
        ans = m.get("answer")
        if not isinstance(ans, Map):
            return None
        where = self.pos(m, "answer")
        given = [k for k in ("value", "value_from", "compute") if ans.get(k) is not None]
        if len(given) != 1:
            self.problem(where, "Q007", f"{qid}: numeric answer needs exactly one of value, value_from, compute"
                         + (f" (has {', '.join(given)})" if given else ""))  # fmt: skip
        tol = ans.get("tolerance")
        if _is_number(tol) and not _finite(tol):
            self.problem(self.pos(ans, "tolerance"), "Q033", f"{qid}: tolerance {_show(tol)} is not a finite number")
            tol = 0.01
        elif tol is None or not _is_number(tol) or tol <= 0:
            self.problem(self.pos(ans, "tolerance") if tol is not None else where, "Q008",
                         f"{qid}: numeric answer needs tolerance > 0 (relative: 0.05 = within 5%)")  # fmt: skip
            tol = 0.01
        unit = ans.get("unit", "")
        if not isinstance(unit, str):
            self.problem(self.pos(ans, "unit"), "Q005", f"{qid}: unit must be text")
            unit = ""
        value = ans.get("value")
        if value is not None and not _is_number(value):
            self.problem(self.pos(ans, "value"), "Q005", f"{qid}: value must be a number (no quotes, no units)")
            value = None
        elif value is not None and not _finite(value):
            self.problem(self.pos(ans, "value"), "Q033", f"{qid}: value {_show(value)} is not a finite number "
                         "(NaN, infinity, or an integer too large for a float)")  # fmt: skip
            value = None
        value_from = ans.get("value_from")
        if value_from is not None:
            value = self.value_from(ans, value_from, qid)
        compute = ans.get("compute")
        if compute is not None:
            self.check_compute(ans, compute, params, qid)
        if params and compute is None:
            self.problem(self.pos(m, "params"), "Q012", f"{qid}: params need answer.compute (a function in quiz/params.py)")
        return Numeric(float(value) if value is not None else None, value_from,
                       compute if isinstance(compute, str) else None, float(tol), unit)  # fmt: skip

    def value_from(self, ans: Map, ref: Any, qid: str) -> float | None:
        where = self.pos(ans, "value_from")
        given = ans.raw.get("value_from", ref)  # as written in the file (a scalar; else the parsed value)
        if not isinstance(ref, str) or "." not in ref:
            self.problem(where, "Q011", f"{qid}: value_from {given!r} must be <verifier>.<check>")
            return None
        name = ref.split(".")[0]
        if name not in self.verifier_names:
            self.problem(where, "Q010", f"{qid}: value_from {given!r} names unknown verifier {name!r}")
            return None
        if ref not in self.expected:
            checks = sorted(k.split(".", 1)[1] for k in self.expected if k.startswith(name + "."))
            self.problem(where, "Q011", f"{qid}: no check {ref!r} in verifiers/expected.json"
                         + (f"; {name} has: {', '.join(checks)}" if checks else "; run `quiz verify --update`"))  # fmt: skip
            return None
        value = self.expected[ref]
        if not _is_number(value) or not _finite(value):
            self.problem(where, "Q033", f"{qid}: verifiers/expected.json holds {_show(value)} for {ref!r}, "
                         "not a finite number; run `quiz verify --update`")  # fmt: skip
            return None
        return value

    def check_compute(self, ans: Map, name: Any, params: tuple[Param, ...], qid: str) -> None:
        import inspect

        where = self.pos(ans, "compute")
        fn = self.compute.get(name) if isinstance(name, str) else None
        if fn is None:
            self.problem(where, "Q012", f"{qid}: compute {name!r} is not registered in quiz/params.py")
            return
        sig = inspect.signature(fn)
        drawn = {p.name for p in params} | self.refused_params
        missing = [p for p, v in sig.parameters.items() if v.default is inspect.Parameter.empty and p not in drawn]
        extra = sorted(drawn - set(sig.parameters))
        if missing or extra:
            self.problem(where, "Q012", f"{qid}: {name}() "
                         + "; ".join(filter(None, [missing and f"needs params {', '.join(missing)}",
                                                   extra and f"takes no {', '.join(extra)}"])))  # fmt: skip


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _finite(v: float) -> bool:
    """Not NaN or infinite, and (for an integer) small enough to become a float."""
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer beyond 1.8e308
        return False


def _finite_ratio(a: float, b: float) -> bool:
    try:
        return math.isfinite(a / b)
    except OverflowError:  # integers whose quotient is beyond a float
        return False


def _show(v: Any) -> str:
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10**20:
        return f"an integer of about {int(abs(v).bit_length() * 0.30103) + 1} digits"
    return repr(v)


def _cloze_problem(text: str) -> str | None:
    """What makes a cloze prompt's gaps unanswerable, or None. Agrees with CLOZE_PATTERN."""
    opened = None  # where the gap being read starts
    for m in _CLOZE_TOKEN_RE.finditer(text):
        if m[0] == "{{":
            if opened is not None:
                return f"a gap inside a gap at {text[opened : m.end() + 10]!r}; gaps cannot be nested"
            opened = m.start()
        elif m[0] == "}}":
            if opened is None:
                return f"'}}}}' without an opening '{{{{' in {text[max(0, m.start() - 20) : m.end()]!r}"
            gap = text[opened : m.end()]
            if any(not alt.strip() for alt in text[opened + 2 : m.start()].split("|")):
                return f"gap {gap!r} has an empty answer; write what the learner must type"
            opened = None
        elif opened is not None:  # a newline inside a gap
            return f"gap starting {text[opened : opened + 20]!r} runs over a line break; close it with '}}}}'"
    if opened is not None:
        return f"'{{{{' without a closing '}}}}' in {text[opened : opened + 20]!r}"
    return None


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", "", s.casefold())  # noqa: E731
    return bool(norm(a)) and norm(a) == norm(b)


def _closest(word: str, options) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return found[0] if found else None


# --- loading ------------------------------------------------------------------------------------


def unique_dirs(dirs: list[Path]) -> list[Path]:
    """The bank directories, each once: `questions` and `./questions` (or the same directory from
    QUIZ_BANKS and --bank) are one directory, compared by resolved path."""
    out, seen = [], set()
    for d in dirs:
        try:
            key = Path(d).resolve()
        except (OSError, RuntimeError):  # a symlink loop: kept, and reported as missing below
            key = Path(d).absolute()
        if key not in seen:
            seen.add(key)
            out.append(Path(d))
    return out


def bank_files(dirs: list[Path]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for d in unique_dirs(dirs):
        if not d.is_dir():
            problems.append(Problem(str(d), 1, 1, "Q025", f"bank directory {d} does not exist"))
            continue
        files += sorted(p for p in d.glob("*.yaml") if not p.name.startswith("_"))
    return files, problems


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it. Only the directory is resolved:
    a bank file that is a symlink is named by its own path, never by its target."""
    path = Path(path)
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def validate_files(files: list[Path], verifier_names: set[str], expected: dict[str, float],
                   compute: dict) -> tuple[Bank, list[Problem]]:  # fmt: skip
    problems: list[Problem] = []
    questions: list[Question] = []
    titles: dict[str, Text] = {}
    seen: dict[str, tuple[str, int]] = {}
    for file in files:
        path = display_path(file)
        text, unreadable = read_text(file, path)
        if unreadable:
            problems.append(unreadable)
            continue
        data, found = parse_yaml(text, path)
        problems += found
        if found and data is None:
            continue
        if data is None:
            problems.append(Problem(path, 1, 1, "Q017", "empty bank file: add topic, title and questions"))
            continue
        if not isinstance(data, Map):
            what = "a list" if isinstance(data, list) else "a single value"  # never our class name (Seq)
            problems.append(Problem(path, getattr(data, "line", 1), 1, "Q018",
                                    f"top level is {what}; expected a mapping with topic, title, questions"))  # fmt: skip
            continue
        v = _Validator(path, problems, verifier_names, expected, compute)
        for key in data:
            if key not in FILE_KEYS:
                v.problem(v.pos(data, key), "Q003", f"unknown top-level key {key!r} (expected topic, title, questions)")
        topic = data.get("topic")
        if not isinstance(topic, str) or not TOPIC_RE.match(topic):
            v.problem(v.pos(data, "topic") if "topic" in data else (1, 1), "Q004" if topic is None else "Q005",
                      "topic: a lowercase name such as attention")  # fmt: skip
            topic = file.stem
        elif topic != file.stem:
            v.problem(v.pos(data, "topic"), "Q021", f"topic {topic!r} in a file named {file.name}; they must match")
        title = v.text(data, "title", f"topic {topic}")
        if topic not in titles and title:
            titles[topic] = title
        qs = data.get("questions")
        if not isinstance(qs, list):
            v.problem(v.pos(data, "questions") if "questions" in data else (1, 1),
                      "Q004" if qs is None else "Q005", "questions: a list of questions")  # fmt: skip
            continue
        for i, q in enumerate(qs):
            question = v.question(q, topic, v.pos(qs, i), seen)
            if question:
                questions.append(question)
    return Bank(tuple(questions), titles), problems


def default_dirs(extra: list[Path] | None = None) -> list[Path]:
    from .paths import extra_bank_dirs, questions_dir

    return [questions_dir(), *extra_bank_dirs(), *(extra or [])]


def load(dirs: list[Path] | None = None, *, strict: bool = True) -> tuple[Bank, list[Problem]]:
    """Load every bank. With strict, raise BankError on problems that make a bank unusable
    (lint-only problems such as a missing translation are returned, not raised)."""
    from . import verify
    from .params import COMPUTE

    files, problems = bank_files(dirs if dirs is not None else default_dirs())
    bank, found = validate_files(files, set(verify.names()), verify.load_expected(), COMPUTE)
    problems += found
    if strict:
        fatal = [p for p in problems if p.code not in LINT_ONLY]
        if fatal:
            raise BankError(fatal)
    return bank, problems


def dump_json(questions: list[Question]) -> str:
    # allow_nan=False: the loader refuses NaN and infinities, so this can only fail on a bug, never print NaN.
    return json.dumps([q.to_dict() for q in questions], ensure_ascii=False, indent=2, allow_nan=False)


def load_cached(dirs: list[Path], cache_dir: Path | None) -> tuple[Bank, list[Problem]]:
    """`load`, reusing the last validated bank (a JSON cache in `cache_dir`) when nothing changed."""
    from .bank_cache import load_cached as cached

    return cached(dirs, cache_dir)
