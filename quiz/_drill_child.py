"""The child side of the drill sandbox: judge one learner file and write the verdict as JSON.

Run by quiz/sandbox.py as `python -I _drill_child.py` (one attempt: a request on stdin) or
`python -I _drill_child.py --worker` (a warm worker: torch imported once, then one request per line
on stdin, each judged in a forked child so the limits apply per attempt). Self-contained on purpose:
under -I the quiz package may not be importable, so everything the child needs comes in the request.
Importing this module costs nothing (no torch); quiz.drills uses `evaluate` in-process for tests.

Never pickle: requests and verdicts are JSON. The learner's prints are captured and truncated.
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import sys
import time
import traceback

KEEP_OUTPUT = 2000  # characters of the learner's stdout/stderr kept in the verdict
FSIZE_LIMIT = 1 << 20  # bytes a learner may write to the real stdout/stderr files before writes fail


class Capped(io.TextIOBase):
    """A text stream that keeps the first KEEP_OUTPUT characters and counts the rest."""

    def __init__(self):
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, s) -> int:
        s = str(s)
        room = KEEP_OUTPUT - sum(len(k) for k in self.kept)
        if room > 0:
            self.kept.append(s[:room])
        self.size += len(s)
        return len(s)

    def text(self) -> str:
        shown = "".join(self.kept)
        if self.size > len(shown):
            shown += f"\n… ({self.size:,} characters printed; the first {len(shown):,} shown)"
        return shown


def set_limits(memory: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = int(time.process_time()) + 1
    want = used + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (want, want + 1 if hard == resource.RLIM_INFINITY else min(want + 1, hard)))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, FSIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the limit fails with EFBIG instead of killing


def learner_line(exc: BaseException, filename: str) -> int | None:
    """The last line of the learner's file in the traceback (where their code went wrong)."""
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        return exc.lineno
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


def one_line(text: str, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def check_dict(c) -> dict:
    import math

    def clean(v):
        return v if not isinstance(v, float) or math.isfinite(v) else None

    return {"name": c.name, "expected": clean(c.expected), "measured": clean(c.measured),
            "tolerance": clean(c.tolerance), "passed": bool(c.passed), "note": c.note, "relation": c.relation,
            "example": getattr(c, "example", "")}  # fmt: skip


def evaluate(req: dict) -> dict:
    """Judge req["source"] (as file req["filename"]) against drill req["drill"] in this process.
    Returns the verdict dict; the learner's exceptions become one-line errors, never tracebacks."""
    drills_dir = req["drills_dir"]
    if drills_dir not in sys.path:
        sys.path.insert(0, drills_dir)
    import _judge

    judge = _judge.sibling(os.path.join(drills_dir, req["drill"], "judge.py"), "judge")
    filename, source = req["filename"], req["source"]
    verdict: dict = {"drill": req["drill"], "passed": False, "error": None, "checks": []}
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as exc:
        verdict["error"] = f"syntax error at line {exc.lineno}: {exc.msg}"
        return verdict
    except ValueError as exc:  # e.g. a NUL byte
        verdict["error"] = f"cannot compile: {one_line(exc)}"
        return verdict
    import types

    module = types.ModuleType("_quiz_attempt")
    module.__file__ = filename
    try:
        exec(code, module.__dict__)  # noqa: S102  (judging the learner's code is the point; we are the sandbox)
    except SystemExit as exc:
        verdict["error"] = f"your file called sys.exit({exc.code!r}) while it was imported"
        return verdict
    except MemoryError:
        verdict["error"] = "your file ran out of memory while it was imported"
        return verdict
    except BaseException as exc:  # noqa: BLE001
        line = learner_line(exc, filename)
        kind = "import failed" if isinstance(exc, ImportError) else f"{type(exc).__name__}"
        verdict["error"] = f"{kind} at line {line}: {one_line(exc)}" if line else f"{kind}: {one_line(exc)}"
        return verdict
    impl = getattr(module, req["function"], None)
    if not callable(impl):
        verdict["error"] = f"{os.path.basename(filename)} does not define {req['function']}()"
        return verdict
    checks = _judge.judge(judge.run, impl, seed=req.get("seed", 0), banned=req.get("banned", []), source=source,
                          namespace=module.__dict__)  # fmt: skip
    verdict["checks"] = [check_dict(c) for c in checks]
    verdict["passed"] = bool(checks) and all(c.passed for c in checks)
    return verdict


def attempt(req: dict, result_fd: int) -> None:
    """One attempt in this (child) process: limits, captured output, verdict JSON to result_fd, exit."""
    started = time.perf_counter()
    set_limits(int(req.get("memory", 2 << 30)), int(req.get("cpu_seconds", 15)))
    out, err = Capped(), Capped()
    sys.stdout, sys.stderr = out, err
    try:
        verdict = evaluate(req)
    except MemoryError:
        verdict = {"drill": req["drill"], "passed": False, "error": "ran out of memory", "checks": []}
    except BaseException as exc:  # noqa: BLE001  (a fault of the harness, reported in one line)
        verdict = {"drill": req["drill"], "passed": False, "checks": [],
                   "error": f"the judge failed: {type(exc).__name__}: {one_line(exc)}"}  # fmt: skip
    verdict["stdout"], verdict["stderr"] = out.text(), err.text()
    verdict["seconds"] = round(time.perf_counter() - started, 4)
    data = (json.dumps(verdict, ensure_ascii=False, allow_nan=False) + "\n").encode()
    view = memoryview(data)
    while view:
        view = view[os.write(result_fd, view):]
    os.close(result_fd)
    os._exit(0)  # skip atexit handlers and buffered writes the learner may have set up


def prepare(req: dict) -> None:
    """Import torch and the judge toolkit before any learner code (and before forking, in a worker)."""
    drills_dir = req["drills_dir"]
    if drills_dir not in sys.path:
        sys.path.insert(0, drills_dir)
    import _judge  # noqa: F401  (imports torch)
    import torch

    torch.set_num_threads(1)


def redirect(stdout_path: str, stderr_path: str) -> None:
    for fd, path in ((1, stdout_path), (2, stderr_path)):
        f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(f, fd)
        os.close(f)


def worker() -> None:
    """Warm worker: one JSON request per stdin line -> one JSON verdict per stdout line. Each attempt runs
    in a forked child with its own limits; the worker enforces the wall-clock limit and kills it."""
    import select

    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # stray prints from anything can never corrupt the protocol
    prepared = False
    for line in sys.stdin:
        req = json.loads(line)
        if not prepared:
            prepare(req)
            prepared = True
        if req.get("ping"):
            protocol.write(json.dumps({"pong": True}) + "\n")
            continue
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.setsid()
            redirect(req["stdout_path"], req["stderr_path"])
            try:
                attempt(req, w)
            finally:
                os._exit(70)
        os.close(w)
        deadline = time.monotonic() + float(req.get("timeout", 10))
        chunks, timed_out = [], False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([r], [], [], left)
            if ready:
                chunk = os.read(r, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        if timed_out:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.close(r)
        _, status = os.waitpid(pid, 0)
        protocol.write(json.dumps({"raw": b"".join(chunks).decode("utf-8", "replace"), "timed_out": timed_out,
                                   "status": status}) + "\n")  # fmt: skip


def main() -> None:
    if "--worker" in sys.argv:
        worker()
        return
    req = json.loads(sys.stdin.read())
    prepare(req)
    os.write(req["result_fd"], b'{"ready": true}\n')  # the wall-clock limit starts now, after torch is imported
    attempt(req, req["result_fd"])


if __name__ == "__main__":
    main()
