"""Hostile input never crashes the loader: every outcome is a list of problems with a file and line."""

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz import bank, verify
from quiz.params import COMPUTE

FIXTURE = (Path(__file__).parent / "data" / "bank" / "basics.yaml").read_text()
VERIFIERS = set(verify.names())

# YAML-ish scalars and structures, including the types a careless edit produces.
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["id", "type", "difficulty", "prompt", "answer", "en", "zh", "choices", "correct", "value",
                     "tolerance", "params", "sources", "post", "verifier", "tags", "x"]) | st.text(max_size=5),
    inner, max_size=5), max_leaves=25)  # fmt: skip


def validate(tmp_path: Path, text: str) -> list:
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    _, problems = bank.validate_files([tmp_path / "t.yaml"], VERIFIERS, {}, COMPUTE)
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
