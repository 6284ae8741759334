"""Parametric questions: draw the parameters, fill the text, compute the answer.

Text is filled by replacing `{name}` placeholders only (no str.format, so a bank
cannot reach attributes); answers come from functions registered in params.py.

A bank chooses the numbers a registered function is called with, so the function can still
divide by zero, leave its math domain, return a complex number or infinity, overflow, or run
for ever (a sum over 10^12 terms). Two guards:
- `quiz check` (check_draws) calls every question's function on every parameter combination
  (or a stated sample, always with each range's ends) in a child process, which is killed when a
  question's draws take longer than CHECK_SECONDS; failures are Q034, hangs Q035.
- While studying, showing or exporting, compute() turns a failure into a one-line BankError
  naming the card (never a traceback) and interrupts a Python-level loop after RUNTIME_SECONDS.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import sys
from contextlib import contextmanager

from .bank import Param, Question
from .errors import QuizError
from .params import COMPUTE
from .problems import BankError, Problem

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

CHECK_SECONDS = 2.0  # quiz check: wall-clock limit for all the draws of one question
RUNTIME_SECONDS = 2.0  # study / show / export: limit for one call (Python-level loops only)
MAX_VALUES = 1_000  # a range or list with more values contributes its ends and 998 evenly spaced ones
MAX_COMBINATIONS = 10_000  # more combinations: every combination of the ends, then seeded random ones
CHILD_MEMORY = 1 << 30  # address-space limit of the checking child (bytes)


def _at(p: Param, k: int) -> float:
    v = p.low + p.step * k
    return int(v) if float(v).is_integer() else v


def draw(params: tuple[Param, ...], rng: random.Random) -> dict[str, float]:
    values = {}
    for p in params:
        if p.choices:
            values[p.name] = rng.choice(p.choices)
        else:
            values[p.name] = _at(p, rng.randint(0, int((p.high - p.low) // p.step)))
    return values


# --- computing an answer, guarded -----------------------------------------------------------------


class _Timeout(BaseException):  # BaseException: a compute function's `except Exception` cannot swallow it
    pass


@contextmanager
def _alarm(seconds: float):
    """Interrupt the block after `seconds` (main thread with SIGALRM only; elsewhere no limit)."""
    import signal
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def as_answer(result) -> float:
    """The function's result as a finite float; ArithmeticError with the reason otherwise."""
    if isinstance(result, complex):
        raise ArithmeticError(f"complex result {result!r}")
    if isinstance(result, bool) or not isinstance(result, (int, float)):
        raise ArithmeticError(f"result {result!r} is not a number")
    try:
        value = float(result)
    except OverflowError:
        digits = int(abs(result).bit_length() * math.log10(2)) + 1
        raise ArithmeticError(f"result has about {digits:,} digits, too large for a float") from None
    if not math.isfinite(value):
        raise ArithmeticError(f"result is {value}")
    return value


def _why(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, ArithmeticError) and type(exc) is ArithmeticError:
        return text  # our own: already says what is wrong
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _short(v) -> str:
    if isinstance(v, int) and abs(v) >= 10**15:
        return f"{v:.6g}" if abs(v) < 10**300 else f"<an integer of about {int(v.bit_length() * 0.30103) + 1} digits>"
    return repr(v)


def _args(values: dict) -> str:
    return ", ".join(f"{k}={_short(v)}" for k, v in values.items())


def compute(question: Question, values: dict[str, float]) -> float:
    name = question.numeric.compute
    fn = COMPUTE[name]
    try:
        with _alarm(RUNTIME_SECONDS):
            return as_answer(fn(**values))
    except _Timeout:
        code, why = "Q035", f"took longer than {RUNTIME_SECONDS:g} s"
    except (ArithmeticError, ValueError, TypeError, MemoryError, RecursionError) as exc:
        code, why = "Q034", _why(exc)
    raise BankError([Problem(question.path, question.line, 1, code, f"{question.id}: {name}({_args(values)}) "
                             f"{why if code == 'Q035' else 'fails: ' + why}; run `quiz check`")])  # fmt: skip


# --- quiz check: every combination, in a child process with a time limit ---------------------------


def _spread(values: list) -> list:
    if len(values) <= MAX_VALUES:
        return values
    n = len(values) - 1
    return [values[i] for i in sorted({round(j * n / (MAX_VALUES - 1)) for j in range(MAX_VALUES)})]


def draw_plan(q: Question) -> list[dict[str, float]]:
    """The parameter combinations `quiz check` tries: all of them when there are at most
    MAX_COMBINATIONS, else every combination of each parameter's two ends plus seeded random ones."""
    per = []
    for p in q.params:
        if p.choices:
            per.append(_spread(sorted(dict.fromkeys(p.choices))))
        else:
            steps = int((p.high - p.low) // p.step)
            ks = range(steps + 1) if steps < MAX_VALUES else sorted(
                {0, steps} | {round(j * steps / (MAX_VALUES - 1)) for j in range(MAX_VALUES)})  # fmt: skip
            per.append([_at(p, k) for k in ks])
    names = [p.name for p in q.params]
    if math.prod(len(v) for v in per) <= MAX_COMBINATIONS:
        combos = list(itertools.product(*per))
    else:
        ends = [sorted({v[0], v[-1]}) for v in per]
        combos = list(itertools.islice(itertools.product(*ends), MAX_COMBINATIONS))
        rng = random.Random(q.id)
        while len(combos) < MAX_COMBINATIONS:
            combos.append(tuple(rng.choice(v) for v in per))
    return [dict(zip(names, c, strict=True)) for c in combos]


def _child() -> None:
    """Runs in the checking child: one JSON line per job, [index, None] or [index, [values, why]]."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    except (ImportError, ValueError, OSError):
        pass
    jobs = json.loads(sys.stdin.read())
    print("ready", flush=True)
    for i, (name, draws) in enumerate(jobs):
        error = None
        for values in draws:
            try:
                as_answer(COMPUTE[name](**values))
            except Exception as exc:  # noqa: BLE001  (anything a bank's numbers can provoke is a finding)
                error = [values, _why(exc)[:300]]
                break
        print(json.dumps([i, error]), flush=True)


def _run_jobs(jobs: list) -> dict[int, list | str]:
    """Results by job index: None (fine), [values, why] (fails), "timeout" or "crash"."""
    import select
    import subprocess
    import time

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    results: dict[int, list | str] = {}
    start = 0
    while start < len(jobs):
        proc = subprocess.Popen([sys.executable, "-c", "from quiz.parametric import _child; _child()"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=env)  # fmt: skip
        try:
            try:
                proc.stdin.write(json.dumps(jobs[start:]).encode())
                proc.stdin.close()
            except OSError:
                pass  # it died at once; reported as a crash below
            fd, buf, ready = proc.stdout.fileno(), b"", False
            deadline = time.monotonic() + 60  # starting Python on a busy machine
            nxt = start
            while nxt < len(jobs):
                wait = deadline - time.monotonic()
                if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                    if not ready:
                        raise QuizError("the parametric check (a child Python process) did not start within 60 s")
                    results[nxt] = "timeout"
                    break
                chunk = os.read(fd, 65536)
                if not chunk:  # the child died (killed by a limit, or crashed) during job nxt
                    results[nxt] = "crash"
                    break
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    if line == b"ready":
                        ready = True
                    else:
                        i, error = json.loads(line)
                        results[start + i] = error
                        nxt = start + i + 1
                    deadline = time.monotonic() + CHECK_SECONDS
            start = nxt + 1 if nxt < len(jobs) else nxt
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
    return results


def check_draws(questions) -> list[Problem]:
    """Q034 / Q035 for each parametric question whose function fails or hangs on some drawn parameters."""
    todo = [q for q in questions if q.params and q.numeric and q.numeric.compute in COMPUTE]
    if not todo:
        return []
    results = _run_jobs([[q.numeric.compute, draw_plan(q)] for q in todo])
    problems = []
    for i, q in enumerate(todo):
        name, got = q.numeric.compute, results.get(i)
        if got is None:
            continue
        if got == "timeout":
            code, msg = "Q035", (f"{name}() took longer than {CHECK_SECONDS:g} s for the drawn parameters; "
                                 "narrow the params")  # fmt: skip
        elif got == "crash":
            code, msg = "Q034", f"{name}() crashed the checking process (memory?) for some drawn parameters"
        else:
            values, why = got
            code, msg = "Q034", f"{name}({_args(values)}) fails: {why}; narrow the params"
        problems.append(Problem(q.path, q.line, 1, code, f"{q.id}: {msg}"))
    return problems


# --- filling the text -------------------------------------------------------------------------------


def pretty(x: float) -> str:
    """Numbers as a person writes them: 4,096 / 0.0125 / 3.15e+23."""
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1e6 or abs(x) < 1e-3:
        return f"{x:.4g}"
    return f"{x:.6g}"


def fill(text: str, values: dict[str, float]) -> str:
    return _PLACEHOLDER.sub(lambda m: pretty(values[m[1]]) if m[1] in values else m[0], text)
