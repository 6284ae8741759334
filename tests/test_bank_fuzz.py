"""Hostile input never crashes the loader: every outcome is a list of problems with a file and line."""

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz import bank, bankfile, verify
from quiz.params import COMPUTE

FIXTURE = (Path(__file__).parent / "data" / "bank" / "basics.yaml").read_text()
VERIFIERS = set(verify.names())

# YAML-ish scalars and structures, including the types a careless edit produces.
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["id", "type", "difficulty", "prompt", "answer", "en", "zh", "choices", "correct", "value",
                     "tolerance", "params", "sources", "post", "verifier", "tags", "x"]) | st.text(max_size=5),
    inner, max_size=5), max_leaves=25)  # fmt: skip


def validate(tmp_path: Path, text: str, name: str = "t.yaml") -> list:
    (tmp_path / name).write_text(text, encoding="utf-8")
    _, problems = bank.validate_files([tmp_path / name], VERIFIERS, {}, COMPUTE)
    for p in problems:
        assert p.line >= 1 and p.col >= 1 and p.code.startswith("Q") and p.message
    return problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.printable + "：，中文{}[]", max_size=300))
def test_random_text(tmp_path, text):
    validate(tmp_path, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values)
def test_random_structures(tmp_path, data):
    validate(tmp_path, yaml.safe_dump({"topic": "t", "title": {"en": "T", "zh": "T"}, "questions": [data]},
                                      allow_unicode=True))  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=len(FIXTURE) - 1), st.integers(min_value=1, max_value=40),
       st.text(max_size=6))  # fmt: skip
def test_a_good_file_damaged_anywhere(tmp_path, start, length, junk):
    """Cut or splice a working bank at a random place: problems, never an exception."""
    validate(tmp_path, FIXTURE[:start] + junk + FIXTURE[start + length :])


# --- hostile structure: aliases, nesting, control characters (issue #8) ---------------------------

BASE = FIXTURE.split("\n  - id:")[0] + "\n"  # topic, title, `questions:` with no question yet
QUESTION = """\
  - id: basics.fuzz
    type: flashcard
    difficulty: 2
    prompt: {en: "PROMPT", zh: "为什么？"}
    answer: {en: "Because.", zh: "因为。"}
    sources: [{paper: "P", where: "W"}]
"""


def codes(problems) -> set[str]:
    return {p.code for p in problems}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(st.just(None), st.integers(min_value=0, max_value=12)), min_size=1, max_size=9),
                min_size=1, max_size=7), st.booleans())  # fmt: skip
def test_aliases_are_refused_exactly_when_they_expand_too_far(tmp_path, layers, self_reference):
    """Layer i is a list of scalars (None) and aliases of earlier layers; the expansion the loader counts
    is computed here independently: every alias adds the whole expanded size of what it names."""
    size, added, lines = [], 0, []
    for i, items in enumerate(layers):
        refs = [None if j is None or i == 0 else j % i for j in items]
        lines.append(f"l{i}: &l{i} [" + ", ".join("x" if r is None else f"*l{r}" for r in refs) + "]")
        size.append(1 + sum(1 if r is None else size[r] for r in refs))
        added += sum(size[r] for r in refs if r is not None)
    if self_reference:
        lines[-1] = lines[-1][:-1] + f", *l{len(layers) - 1}]"
    problems = validate(tmp_path, "topic: basics\n" + "\n".join(lines) + "\n")
    if self_reference:
        assert [(p.code, p.line) for p in problems] == [("Q031", len(layers) + 1)]
        assert "recursive alias" in problems[0].message
    elif added > bankfile.MAX_ALIAS_NODES:
        assert codes(problems) == {"Q031"} and "alias bomb" in problems[0].message
    else:
        assert "Q031" not in codes(problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=1200), st.booleans())
def test_nesting_is_refused_beyond_fifty_levels(tmp_path, depth, flow):
    """`description:` holds `depth` nested lists around a scalar: the scalar sits at level depth + 2."""
    value = "[" * depth + "x" + "]" * depth if flow else "\n  " + "- " * depth + "x"
    problems = validate(tmp_path, BASE + QUESTION + "description: " + value + "\n", "basics.yaml")
    if depth + 2 > bankfile.MAX_DEPTH:
        [p] = problems
        assert p.code == "Q032" and p.line == (11 if flow else 12)
    else:
        assert problems == []


# Terminal control characters as they may appear raw in a file (a CR there is part of a CRLF line ending).
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="abc xyz", max_size=8), st.sampled_from(CONTROLS + list("AZ09?é中")),
       st.text(alphabet="abc", max_size=8))  # fmt: skip
def test_a_raw_control_character_is_refused_where_it_is(tmp_path, before, ch, after):
    problems = validate(tmp_path, BASE + QUESTION.replace("PROMPT", before + ch + after), "basics.yaml")
    if ch in CONTROLS:
        assert [(p.code, p.line, p.col) for p in problems] == [("Q027", 8, 19 + len(before))]
    else:
        assert problems == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="abc ", max_size=8), st.sampled_from(["x", "u", "U"]), st.integers(min_value=0, max_value=0x2FF))
def test_an_escaped_control_character_is_refused_at_its_escape(tmp_path, before, kind, code):
    escape = {"x": f"\\x{code % 256:02x}", "u": f"\\u{code:04x}", "U": f"\\U{code:08x}"}[kind]
    char = chr(code % 256 if kind == "x" else code)
    problems = validate(tmp_path, BASE + QUESTION.replace("PROMPT", before + escape), "basics.yaml")
    if char in CONTROLS or char == "\r":  # in the file a CR ends a line; in text it is a control character
        assert [(p.code, p.line, p.col) for p in problems] == [("Q027", 8, 19 + len(before))]
    else:
        assert "Q027" not in codes(problems)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}|a \n", max_size=24))
def test_the_cloze_rule_and_the_schema_pattern_agree(text):
    import re

    assert (bank._cloze_problem(text) is None) == bool(re.search(bank.CLOZE_PATTERN, text)), text
