"""The schema and the loader, checked against each other on generated banks (hypothesis), not only examples.

Each case starts from a valid one-question bank of every type and applies one or two mutations (drop a key,
set a key to a value of another kind, add an unknown key, reach into the answer). Whatever the result, the
schema (questions/schema.json) and the loader must agree on whether the file is valid, except for the rules
the schema cannot see (listed in test_schema.LOADER_ONLY).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_schema import LOADER_ONLY, VALID, loader_problems, schema_ok

# The rules of test_schema.LOADER_ONLY, by code and message (Q005 and Q020 also name rules the schema does see)
BLIND = [("Q001", ""), ("Q020", "must start with the topic"), ("Q010", ""), ("Q011", ""), ("Q012", ""), ("Q015", ""),
         ("Q021", ""), ("Q023", ""), ("Q033", "")]  # fmt: skip
BASES = {name: yaml.safe_load(text) for name, text in VALID.items() if yaml.safe_load(text)["questions"]}
QUESTION_KEYS = ["id", "type", "difficulty", "tags", "prompt", "answer", "explanation", "choices", "params",
                 "verifier", "sources", "renamed_from", "unknown_key"]  # fmt: skip
ANSWER_KEYS = ["value", "value_from", "compute", "tolerance", "unit", "en", "zh", "other"]
VALUES = st.sampled_from([
    None, "", "x", "demo.two", "flashcard", "numeric", 0, -1, 1, 2, 3, 4, 0.5, -0.5, 1e9, True, [], {}, ["a"],
    ["scaling"], {"en": "a"}, {"en": "a", "zh": "乙"}, {"en": "", "zh": ""}, [{"paper": "P", "where": "1"}],
    [{"en": "A", "zh": "甲", "correct": True}, {"en": "B", "zh": "乙"}], {"d_k": [16, 64]}, "{{gap}}",
])  # fmt: skip


@st.composite
def mutated_bank(draw) -> str:
    data = yaml.safe_load(yaml.safe_dump(BASES[draw(st.sampled_from(sorted(BASES)))]))  # a deep copy
    q = data["questions"][0]
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["drop", "set", "answer"]))
        if kind == "drop" and q:
            q.pop(draw(st.sampled_from(sorted(q))))
        elif kind == "set":
            q[draw(st.sampled_from(QUESTION_KEYS))] = draw(VALUES)
        else:
            answer = q.get("answer") if isinstance(q.get("answer"), dict) else {}
            answer[draw(st.sampled_from(ANSWER_KEYS))] = draw(VALUES)
            q["answer"] = answer
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def loader_ok(text: str) -> tuple[bool, list]:
    with tempfile.TemporaryDirectory() as d:
        problems = loader_problems(text, Path(d))
    return all(any(p.code == code and text in p.message for code, text in BLIND) for p in problems), problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_bank())
def test_schema_and_loader_agree_on_generated_banks(text):
    """Schema valid: the loader finds nothing but what the schema cannot see. Schema invalid: the loader
    reports something too (for a schema-blind rule or its own)."""
    ok, problems = loader_ok(text)
    described = [f"{p.code} {p.message}" for p in problems] or "valid"
    if schema_ok(text):
        assert ok, f"schema says valid, loader says {described}:\n{text}"
    else:
        assert problems, f"schema says invalid, loader says valid:\n{text}"


def test_blind_rules_match_loader_only():
    assert {code for code, _ in BLIND} == {code for code, _ in LOADER_ONLY.values()} - {"Q005"}  # no min > max here


def test_the_bases_are_valid_and_cover_every_type():
    assert {b["questions"][0]["type"] for b in BASES.values()} == {"flashcard", "mcq", "numeric", "cloze", "errata"}
    for name, base in BASES.items():
        text = yaml.safe_dump(base, allow_unicode=True, sort_keys=False)
        assert schema_ok(text) and loader_ok(text)[0], name
