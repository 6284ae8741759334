"""Helpers shared by several test modules (pytest puts tests/ on sys.path: `from helpers import ...`).

Running the quiz on a small bank in a tmp dir, and the hostile variants of that bank (test_hostile_banks,
test_pinned_bank_hostile, test_check_codes); making a formula or an
injectable implementation 5% wrong (test_pinned_parametric, test_pinned_tolerance); the names of the checks a
verifier run failed (test_verifiers_wrong_*, test_pinned_verifiers).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent

# --- a small bank and the quiz run on it ----------------------------------------------------------------

BASE = """\
topic: demo
title: {en: Demo, zh: 演示}
questions:
  - id: demo.one
    type: flashcard
    difficulty: 2
    prompt: {en: "Why scale?", zh: "为什么缩放？"}
    answer: {en: "Variance.", zh: "方差。"}
    sources: [{paper: "Vaswani et al. 2017", where: "3.2.1"}]
"""
# line 4: `  - id: demo.one` (the question's mapping and its id key start at column 5)
# line 7: prompt (en value at column 19), line 8: answer, line 9: sources


def numeric(answer: str, params: str = "") -> str:
    """BASE as one numeric question: `answer` is the inside of its flow mapping (line 8, or 9 with params)."""
    text = BASE.replace("type: flashcard", "type: numeric")
    text = text.replace('{en: "Variance.", zh: "方差。"}', "{" + answer + "}")
    if params:
        text = text.replace("    prompt:", f"    params: {{{params}}}\n    prompt:")
    return text


def cloze(en: str) -> str:
    """BASE as one cloze question with the English prompt `en` (its Chinese one has one gap)."""
    return BASE.replace("type: flashcard", "type: cloze").replace('"Why scale?"', json.dumps(en)).replace(
        '    answer: {en: "Variance.", zh: "方差。"}\n', "").replace('"为什么缩放？"', '"除以 {{sqrt(d_k)}}"')  # fmt: skip


# nine levels of nine-fold aliases: far past the loader's budget of 10,000 nodes added by aliases
ALIAS_BOMB = "topic: demo\n" + "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)) + "title: *a8\n"  # fmt: skip
BIG = BASE + "#" + "x" * (2 * 1024 * 1024) + "\n"  # just over the 2 MiB limit of a bank file


def raw(data: bytes) -> Callable[[Path], None]:
    """A bank-dir setup: demo.yaml holds these exact bytes."""
    return lambda d: (d / "demo.yaml").write_bytes(data)


def link(target: str, name: str = "x.yaml") -> Callable[[Path], None]:
    """A bank-dir setup: `name` is a symlink to `target`."""
    return lambda d: (d / name).symlink_to(target)


def no_ids(d: Path) -> None:
    """A bank-dir setup: BASE plus two questions without an id."""
    q = "  - type: flashcard\n    difficulty: 2\n    prompt: {en: A?, zh: 甲？}\n    answer: {en: B., zh: 乙。}\n" \
        "    sources: [{paper: P, where: W}]\n"  # fmt: skip
    (d / "demo.yaml").write_text(BASE + q + q, encoding="utf-8")


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` as a throwaway identity (no signing); its stdout. Fails the test on a non-zero exit."""
    config = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *config, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def digests(*roots: Path) -> dict[str, str]:
    """sha256 of every regular file under the roots (a symlink: its target's name; a FIFO or directory: its kind)."""
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if p.is_symlink():
                out[str(p)] = "link->" + os.readlink(p)
            elif p.is_fifo() or p.is_dir():
                out[str(p)] = "fifo" if p.is_fifo() else "dir"
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def environment(tmp: Path, extra: dict | None = None) -> dict[str, str]:
    """The quiz's environment for a run in `tmp`: the bank in `tmp/bank`, the data dir `tmp/home`."""
    return {"QUIZ_QUESTIONS_DIR": "bank", "QUIZ_HOME": str(tmp / "home"), "GIT_CEILING_DIRECTORIES": str(tmp.parent),
            "COLUMNS": "200", "QUIZ_LANG": "en", **(extra or {})}  # fmt: skip


def run_python(args: list[str], *, cwd: Path | None = None, env: dict | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess:  # fmt: skip
    """`python ARGS` in a child process with this checkout first on the path (text output captured)."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def run_quiz(tmp: Path, args: list[str], *, process: bool = False, seconds: float = 20.0,
             env: dict | None = None) -> tuple[int, str, str]:  # fmt: skip
    """(exit code, stdout, stderr) of `quiz ARGS` run in `tmp` with `environment(tmp, env)`: in-process through
    CliRunner, or with process=True as `python -m quiz` that must finish within `seconds`."""
    from quiz.cli import cli

    env = environment(tmp, env)
    if process:
        start = time.monotonic()
        done = run_python(["-m", "quiz", *args], cwd=tmp, env=env, timeout=seconds)
        assert time.monotonic() - start < seconds
        return done.returncode, done.stdout, done.stderr
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        result = CliRunner().invoke(cli, args, env=env, catch_exceptions=True)
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# --- verifier checks -------------------------------------------------------------------------------------


def failed(checks) -> set[str]:
    """The names of the checks that did not pass."""
    return {c.name for c in checks if not c.passed}


# --- 5% wrong ----------------------------------------------------------------------------------------------


def five_percent_off(value, *, whole: bool = False):
    """`value` 5% too large: a number or tensor times 1.05, a tuple element by element. With whole=True an int
    stays an int and moves by at least 1 (max(round(1.05 n), n + 1)). A bool or anything else: TypeError."""
    if isinstance(value, bool):
        raise TypeError("bool")
    if whole and isinstance(value, int):
        return max(round(value * 1.05), value + 1)
    torch = sys.modules.get("torch")  # a tensor can only come from a torch that is already imported
    if isinstance(value, (int, float)) or (torch is not None and isinstance(value, torch.Tensor)):
        return value * 1.05
    if isinstance(value, tuple):
        return tuple(five_percent_off(v, whole=whole) for v in value)
    raise TypeError(type(value).__name__)


def made_five_percent_off(fn, *, whole: bool = False):
    """`fn` wrapped to return `five_percent_off` of its result."""

    def wrong(*args, **kwargs):
        return five_percent_off(fn(*args, **kwargs), whole=whole)

    return wrong


def floats_five_percent_off(value):
    """Every real number inside `value` 5% too large: floats and floating tensors, in tuples, lists and dict
    values at any depth. Integers, booleans, integer tensors and anything else are returned as they are."""
    torch = sys.modules.get("torch")
    if isinstance(value, float):
        return value * 1.05
    if torch is not None and isinstance(value, torch.Tensor):
        return value * 1.05 if value.is_floating_point() else value
    if isinstance(value, (tuple, list)):
        items = [floats_five_percent_off(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)  # a namedtuple takes *items
    if isinstance(value, dict):
        return {k: floats_five_percent_off(v) for k, v in value.items()}
    return value
