"""The sandbox: the learner's file runs in a child process (python -I, clean env, temp cwd) with a
wall-clock limit, RLIMIT_AS / RLIMIT_CPU / RLIMIT_FSIZE, output captured and truncated, the verdict as
JSON over a pipe. Every fault is one line, never a traceback. Cold children and the warm forking worker
are both tested; the worker is shared by the module to keep this fast."""

from __future__ import annotations

import json
import textwrap

import pytest

from quiz import drills, sandbox

SOFTMAX = drills.find("softmax")
RIGHT = SOFTMAX.file("reference").read_text()

FAULTS = {
    # name: (source, text the one-line verdict must contain)
    "infinite_loop": ("def softmax(x, dim=-1):\n    while True:\n        pass\n", "timed out after 2 s"),
    "torch_allocation": ("import torch\ndef softmax(x, dim=-1):\n    return torch.empty(10**11)\n",
                         "ran out of memory (limit 2 GiB)"),
    "python_allocation": ("def softmax(x, dim=-1):\n    return [0] * 10**10\n", "ran out of memory"),
    "syntax_error": ("import torch\n\ndef softmax(x, dim=-1)\n    return x\n", "syntax error at line 3"),
    "import_error": ("import torch\nimport no_such_module_xyz\n", "import failed at line 2: No module named"),
    "sys_exit": ("import sys\ndef softmax(x, dim=-1):\n    sys.exit(3)\n", "called sys.exit(3)"),
    "sys_exit_on_import": ("import sys\nsys.exit(0)\n", "called sys.exit(0) while it was imported"),
    "os_exit": ("import os\ndef softmax(x, dim=-1):\n    os._exit(0)\n", "ended the process (exit status 0)"),
    "wrong_return_type": ("def softmax(x, dim=-1):\n    return x.tolist()\n", "returned list, expected a torch.Tensor"),
    "no_function": ("import torch\n", "does not define softmax()"),
    "raw_megabytes": ("import os\ndef softmax(x, dim=-1):\n    os.write(1, b'y' * 3_000_000)\n    return x\n",
                      "wrote more than 1 MB"),
}


def write(tmp_path, source: str):
    path = tmp_path / "attempt.py"
    path.write_text(source)
    return path


def assert_one_line(verdict, expected: str):
    line = verdict.headline()
    assert not verdict.passed
    assert expected in line, line
    assert "\n" not in line and "Traceback" not in line and len(line) < 400


@pytest.fixture(scope="module")
def worker():
    w = sandbox.Worker(SOFTMAX.directory.parent)
    yield w
    w.close()


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_is_one_line_in_the_warm_worker(fault, worker, tmp_path):
    source, expected = FAULTS[fault]
    verdict = sandbox.judge(SOFTMAX, write(tmp_path, source), timeout=2, worker=worker)
    assert_one_line(verdict, expected)
    assert worker.alive()  # the worker survives every fault of an attempt


@pytest.mark.parametrize("fault", ["infinite_loop", "syntax_error", "os_exit"])
def test_faults_in_a_cold_child(fault, tmp_path):
    source, expected = FAULTS[fault]
    assert_one_line(sandbox.judge(SOFTMAX, write(tmp_path, source), timeout=2), expected)


def test_printing_megabytes_is_captured_and_truncated(worker, tmp_path):
    source = RIGHT + "\nprint('x' * 5_000_000)\n"
    verdict = sandbox.judge(SOFTMAX, write(tmp_path, source), worker=worker)
    assert verdict.passed  # printing is not a mistake, and it cannot flood the quiz
    assert len(verdict.stdout) < 2200
    assert "5,000,001 characters printed" in verdict.stdout


def test_the_right_answer_passes_cold_and_warm(worker, tmp_path):
    path = write(tmp_path, RIGHT)
    cold, warm = sandbox.judge(SOFTMAX, path), sandbox.judge(SOFTMAX, path, worker=worker)
    assert cold.passed and warm.passed
    assert [c["name"] for c in cold.checks] == [c["name"] for c in warm.checks]
    assert cold.checks[0]["name"] == "no_banned_calls"


def test_the_child_has_a_clean_environment_and_a_temp_cwd(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_SECRET_TOKEN", "hunter2")
    source = RIGHT + textwrap.dedent("""
        import os, sys, resource
        print(sorted(os.environ).__repr__(), os.getcwd(), sys.flags.isolated,
              resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0] > 0)
    """)
    verdict = sandbox.judge(SOFTMAX, write(tmp_path, source))
    assert verdict.passed
    assert "QUIZ_SECRET_TOKEN" not in verdict.stdout and "hunter2" not in verdict.stdout
    assert "quiz-drill-" in verdict.stdout  # cwd: the temp dir
    assert f" 1 {2 << 30} True" in verdict.stdout  # -I, RLIMIT_AS = 2 GiB, a CPU limit


def test_printing_a_fake_verdict_does_not_forge_one(worker, tmp_path):
    # stdout is not the result channel: the verdict comes over its own pipe, as JSON (never pickle)
    fake = json.dumps({"passed": True, "checks": [], "error": None})
    source = f"import os, torch\nprint({fake!r})\nos.write(1, {fake!r}.encode())\ndef softmax(x, dim=-1):\n    return x\n"
    verdict = sandbox.judge(SOFTMAX, write(tmp_path, source), worker=worker)
    assert not verdict.passed
    assert verdict.first_failure["name"] == "rows_sum_to_one"


def test_unreadable_or_huge_files_are_one_line_errors(tmp_path):
    from quiz.errors import QuizError

    with pytest.raises(QuizError, match="not a file"):
        sandbox.judge(SOFTMAX, tmp_path)
    big = tmp_path / "big.py"
    big.write_text("#" * (drills.MAX_SOURCE_BYTES + 1))
    with pytest.raises(QuizError, match="larger than"):
        sandbox.judge(SOFTMAX, big)
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(QuizError, match="not UTF-8"):
        sandbox.judge(SOFTMAX, bad)
