"""Judge a learner's drill file in a separate, limited process; never inside the quiz process.

Cold: `python -I quiz/_drill_child.py` with a clean environment, cwd a fresh temp dir, the request as
JSON on stdin and the verdict as JSON over a pipe (fd passed to the child). The child sets RLIMIT_AS
(2 GiB), RLIMIT_CPU and RLIMIT_FSIZE on itself; the parent enforces the wall-clock limit (default
10 s, counted from when torch has been imported) and kills the child's process group after it.
Warm: a `Worker` keeps a child with torch imported and forks once per attempt, so every attempt
still gets its own limits. Every failure mode ends as a Verdict with a one-line `error`.

No torch here: this runs in the quiz process.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .drills import MAX_SOURCE_BYTES, Drill

CHILD = Path(__file__).with_name("_drill_child.py")
TIMEOUT = 10.0  # seconds of wall clock for one attempt (after imports)
MEMORY = 2 << 30  # RLIMIT_AS in the child
IMPORT_ALLOWANCE = 60.0  # torch import on a loaded machine; a hang here is ours, not the learner's
MAX_RESULT = 4 << 20  # bytes of verdict JSON accepted from the child
KEEP = 2000  # characters of raw child stdout/stderr shown


@dataclass
class Verdict:
    drill: str
    passed: bool
    error: str | None = None  # a one-line reason when the file could not be judged at all
    checks: list = field(default_factory=list)  # dicts: name, expected, measured, tolerance, passed, note, example
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0

    @property
    def first_failure(self) -> dict | None:
        return next((c for c in self.checks if not c["passed"]), None)

    def headline(self) -> str:
        """One line: PASS, or what went wrong first."""
        if self.passed:
            return f"PASS: all {len(self.checks)} checks passed"
        if self.error:
            return f"FAIL: {self.error}"
        c = self.first_failure
        if c is None:
            return "FAIL: the judge returned no checks"
        note = c.get("note") or ""
        if "allocate" in note or "MemoryError" in note:
            note = f"ran out of memory (limit {MEMORY >> 30} GiB): {note}"
        elif "File too large" in note:
            note = "wrote more than 1 MB straight to stdout/stderr; print less"
        return f"FAIL: {c['name']}" + (f": {note}" if note else "")

    def to_dict(self) -> dict:
        return asdict(self)


def read_source(path: Path) -> str:
    """The learner's file: a regular file, at most MAX_SOURCE_BYTES, UTF-8. QuizError otherwise."""
    from .errors import QuizError

    try:
        if not path.is_file():
            raise QuizError(f"{path}: not a file")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise QuizError(f"{path}: larger than {MAX_SOURCE_BYTES // 1000} kB; a drill solution is a few lines")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QuizError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise QuizError(f"{path}: cannot read: {exc.strerror}") from None


def request(drill: Drill, source: str, filename: str, seed: int, timeout: float) -> dict:
    return {"drills_dir": str(drill.directory.parent.resolve()), "drill": drill.name, "function": drill.function,
            "banned": list(drill.banned), "source": source, "filename": filename, "seed": seed,
            "memory": MEMORY, "cpu_seconds": int(timeout) + 5, "timeout": timeout}  # fmt: skip


def child_env() -> dict:
    """A clean environment: nothing of the user's (no PYTHON*, no secrets), one thread for torch."""
    return {"PATH": os.defpath, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "HOME": tempfile.gettempdir()}  # fmt: skip


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(KEEP + 1)
    except OSError:
        return ""
    text = data[:KEEP].decode("utf-8", "replace")
    return text + ("\n… (truncated)" if len(data) > KEEP else "")


def interpret(drill: Drill, raw: str, *, timed_out: bool, status: int | None, signal_no: int | None, timeout: float,
              stdout: str, stderr: str, seconds: float) -> Verdict:  # fmt: skip
    """Turn what came back from a child into a Verdict; every fault is one line."""
    lines = [ln for ln in raw.splitlines() if ln.strip() and ln.strip() != '{"ready": true}']
    if lines and not timed_out:
        try:
            data = json.loads(lines[-1])
            v = Verdict(drill.name, bool(data.get("passed")), data.get("error"), list(data.get("checks") or []),
                        data.get("stdout") or stdout, data.get("stderr") or stderr, seconds)  # fmt: skip
            return v
        except (ValueError, TypeError, AttributeError):
            pass
    if timed_out:
        error = f"timed out after {timeout:g} s (an infinite loop, or far too much work); stopped"
    elif signal_no == signal.SIGXCPU or signal_no == signal.SIGKILL:
        error = f"used more than its CPU time limit ({int(timeout) + 5} s); stopped"
    elif signal_no is not None:
        error = f"the process was killed by signal {signal.Signals(signal_no).name} (a crash, or out of memory)"
    else:
        error = (f"your code ended the process (exit status {status}) before the judge finished; "
                 "return a value instead of calling os._exit or sys.exit")  # fmt: skip
    return Verdict(drill.name, False, error, [], stdout, stderr, seconds)


def judge(drill: Drill, path: Path, *, seed: int = 0, timeout: float = TIMEOUT, worker: Worker | None = None) -> Verdict:
    """Judge the learner's file at `path`; warm through `worker` if one is running, else cold."""
    source = read_source(path)
    if worker is not None and worker.alive():
        verdict = worker.judge(drill, source, str(path), seed=seed, timeout=timeout)
        if verdict is not None:
            return verdict
    return judge_cold(drill, source, str(path), seed=seed, timeout=timeout)


def judge_cold(drill: Drill, source: str, filename: str, *, seed: int = 0, timeout: float = TIMEOUT) -> Verdict:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="quiz-drill-") as tmp:
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        r, w = os.pipe()
        req = request(drill, source, filename, seed, timeout)
        req["result_fd"] = w
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen([sys.executable, "-I", str(CHILD)], stdin=subprocess.PIPE, stdout=out, stderr=err,
                                    cwd=tmp, env=child_env(), pass_fds=(w,), start_new_session=True)  # fmt: skip
        os.close(w)
        try:
            try:
                proc.stdin.write(json.dumps(req).encode())
                proc.stdin.close()
            except BrokenPipeError:
                pass
            raw, timed_out = _read(r, proc, timeout)
        finally:
            os.close(r)
            if proc.poll() is None:
                _kill(proc.pid)
            proc.wait()
        rc = proc.returncode
        return interpret(drill, raw, timed_out=timed_out, status=rc if rc >= 0 else None,
                         signal_no=-rc if rc < 0 else None, timeout=timeout, stdout=_tail(out_path),
                         stderr=_tail(err_path), seconds=time.perf_counter() - started)  # fmt: skip


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read(fd: int, proc: subprocess.Popen, timeout: float) -> tuple[str, bool]:
    """Everything the child writes to the result pipe until EOF; the wall-clock limit starts at its
    `ready` line (torch imported). Returns (text, timed_out)."""
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + IMPORT_ALLOWANCE + timeout
    ready = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            _kill(proc.pid)
            return b"".join(chunks).decode("utf-8", "replace"), True
        readable, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not readable:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks).decode("utf-8", "replace"), False
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_RESULT:
            _kill(proc.pid)
            return "", False
        if not ready and b"\n" in b"".join(chunks):
            ready = True
            deadline = time.monotonic() + timeout


class Worker:
    """A warm child with torch imported, forking per attempt. Start it when a drill card comes up."""

    def __init__(self, drills_dir: Path):
        self.tmp = tempfile.TemporaryDirectory(prefix="quiz-drill-worker-")
        self.proc = subprocess.Popen([sys.executable, "-I", str(CHILD), "--worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self.tmp.name,
                                     env=child_env(), start_new_session=True)  # fmt: skip
        self.drills_dir = str(Path(drills_dir).resolve())
        self.ready = False
        self._send({"ping": True, "drills_dir": self.drills_dir})  # imports torch now, while the learner reads

    def _send(self, req: dict) -> None:
        self.proc.stdin.write((json.dumps(req) + "\n").encode())
        self.proc.stdin.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float = IMPORT_ALLOWANCE) -> bool:
        """Wait for the worker's answer to the start-up ping (torch imported)."""
        if not self.ready:
            line = self._line(timeout)
            self.ready = line is not None and '"pong"' in line
        return self.ready

    def _line(self, timeout: float) -> str | None:
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buf = b""
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            buf += chunk
        return buf.decode("utf-8", "replace")

    def judge(self, drill: Drill, source: str, filename: str, *, seed: int = 0, timeout: float = TIMEOUT) -> Verdict | None:
        """None if the worker itself failed (the caller falls back to a cold child)."""
        if not self.wait_ready():
            self.close()
            return None
        started = time.perf_counter()
        out_path, err_path = Path(self.tmp.name) / "stdout", Path(self.tmp.name) / "stderr"
        req = request(drill, source, filename, seed, timeout)
        req.update(stdout_path=str(out_path), stderr_path=str(err_path))
        try:
            self._send(req)
        except (BrokenPipeError, OSError):
            self.close()
            return None
        line = self._line(timeout + 10)
        if line is None:
            self.close()
            return None
        reply = json.loads(line)
        status = reply["status"]
        signal_no = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        return interpret(drill, reply["raw"], timed_out=reply["timed_out"], status=code, signal_no=signal_no,
                         timeout=timeout, stdout=_tail(out_path), stderr=_tail(err_path),
                         seconds=time.perf_counter() - started)  # fmt: skip

    def close(self) -> None:
        if self.proc.poll() is None:
            _kill(self.proc.pid)
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
