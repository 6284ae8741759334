"""Every registered verifier passes, standalone and through the CLI, and matches expected.json."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from quiz import verify
from quiz.cli import cli
from quiz.paths import VERIFIERS_DIR

NAMES = verify.names()


def test_there_are_verifiers():
    assert len(NAMES) >= 40


@pytest.mark.parametrize("name", NAMES)
def test_verifier_passes_in_process(name):
    result = verify.run(name)
    assert not result.error, result.error
    assert len(result.checks) >= 2, "each verifier makes at least two checks"
    failed = [c for c in result.checks if not c.passed]
    assert not failed, failed
    assert result.claim, "the docstring's first paragraph states the claim"


@pytest.mark.parametrize("name", NAMES)
def test_verifier_runs_standalone(name):
    out = subprocess.run([sys.executable, str(VERIFIERS_DIR / f"{name}.py"), "--json", "--seed", "1"],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    [result] = json.loads(out.stdout)
    assert result["name"] == name and result["passed"]


def test_quiz_verify_all_via_cli_in_one_process():
    result = CliRunner().invoke(cli, ["verify", "--json"])
    data = json.loads(result.output)
    assert [r["name"] for r in data] == NAMES
    assert result.exit_code == 0, [r["name"] for r in data if not r["passed"]]


def test_expected_json_is_fresh():
    """value_from answers come from verifiers/expected.json; it must match what the verifiers compute now."""
    recorded = json.loads(verify.EXPECTED_FILE.read_text())
    current = verify.expected_table([verify.run(n) for n in NAMES])
    assert set(recorded) == set(current), "run `quiz verify --update`"
    for key, value in current.items():
        assert recorded[key]["expected"] == pytest.approx(value["expected"], rel=1e-9, abs=1e-12), key
