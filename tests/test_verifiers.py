"""Every registered verifier passes, standalone and through the CLI, and matches expected.json."""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import verify
from quiz.cli import cli
from quiz.paths import VERIFIERS_DIR

NAMES = verify.names()


def test_there_are_verifiers():
    assert len(NAMES) >= 40


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", NAMES)
def test_verifier_passes_in_process(name, seed):
    result = verify.run(name, seed=seed)
    assert not result.error, result.error
    assert len(result.checks) >= 2, "each verifier makes at least two checks"
    assert len({c.name for c in result.checks}) == len(result.checks), "check names must be unique"
    failed = [(c.name, c.expected, c.measured) for c in result.checks if not c.passed]
    assert not failed, failed
    assert result.claim, "the docstring's first paragraph states the claim"


def test_every_verifier_is_fed_a_wrong_implementation():
    """The contract: each verifier has a test that injects a wrong implementation and must fail. Every
    tests/test_verifiers_wrong_*.py lists the verifiers it does this for in OURS; together they name them all."""
    covered: dict[str, str] = {}
    for path in sorted(Path(__file__).parent.glob("test_verifiers_wrong_*.py")):
        for name in importlib.import_module(path.stem).OURS:
            covered[name] = path.name
    assert set(covered) <= set(NAMES), f"not a verifier: {sorted(set(covered) - set(NAMES))}"
    missing = sorted(set(NAMES) - set(covered))
    assert not missing, f"no wrong-implementation test for {missing}: add one to a tests/test_verifiers_wrong_*.py " \
        "and the name to its OURS"  # fmt: skip


STANDALONE = Path(__file__).parent / "data" / "standalone_verifiers.py"


@pytest.fixture(scope="module")
def standalone_runs() -> dict[str, dict]:
    """Every verifier run as a script (`verifiers/<name>.py --json --seed 1`), two at a time, in forks of one
    process that imported torch once (tests/data/standalone_verifiers.py): 108 cold starts of torch were most
    of this file's time."""
    out = subprocess.run([sys.executable, str(STANDALONE), str(VERIFIERS_DIR), "2", *NAMES, "--", "--json", "--seed", "1"],
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return {r["name"]: r for r in map(json.loads, out.stdout.splitlines())}


@pytest.mark.parametrize("name", NAMES)
def test_verifier_runs_standalone(name, standalone_runs):
    out = standalone_runs[name]
    assert out["returncode"] == 0, out["stdout"] + out["stderr"]
    [result] = json.loads(out["stdout"])
    assert result["name"] == name and result["passed"]


def test_a_verifier_run_standalone_really_runs_in_a_fresh_child():
    """The runner is honest: a verifier's own import error, its exit status and a failing run all come back as
    a cold interpreter would report them (a real script path, a real cold run for comparison)."""
    cold = subprocess.run([sys.executable, str(VERIFIERS_DIR / "causal_rank.py"), "--json", "--seed", "1"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    warm = subprocess.run([sys.executable, str(STANDALONE), str(VERIFIERS_DIR), "1", "causal_rank", "--", "--json",
                           "--seed", "1"], capture_output=True, text=True, timeout=120)  # fmt: skip
    [row] = map(json.loads, warm.stdout.splitlines())

    def timeless(text):  # everything but the run time
        return [{k: v for k, v in r.items() if k != "seconds"} for r in json.loads(text)]

    assert row["name"] == "causal_rank"
    assert (row["returncode"], timeless(row["stdout"])) == (cold.returncode, timeless(cold.stdout))
    broken = subprocess.run([sys.executable, str(STANDALONE), str(VERIFIERS_DIR), "1", "causal_rank", "--", "--seed",
                             "x"], capture_output=True, text=True, timeout=120)  # fmt: skip
    [row] = map(json.loads, broken.stdout.splitlines())
    assert row["returncode"] == 2 and "invalid int value: 'x'" in row["stderr"]  # argparse's usage error, status 2


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
