"""Run verifier scripts as `python verifiers/<name>.py ARGS...` would, many at a time, paying torch's import once.

Usage: python standalone_verifiers.py VERIFIERS_DIR JOBS NAME... -- ARGS...
Prints one JSON line per verifier: {"name", "returncode", "stdout", "stderr"}.

The parent imports torch and nothing of ours; each verifier runs in a forked child, as `__main__`, with its
own directory first on sys.path (as the interpreter sets it for a script) and fresh sys.argv, stdout and
stderr, so a verifier that forgot an import or depends on another script's state still fails here. Only the
cold start is shared: a standalone run's cost is almost all `import torch`.
"""

import json
import os
import runpy
import sys
import tempfile

import torch  # noqa: F401  (the point: imported once, before the forks)


def child(directory: str, name: str, args: list[str], out_fd: int, err_fd: int) -> None:
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    path = os.path.join(directory, f"{name}.py")
    sys.argv = [path, *args]
    sys.path[0] = directory
    code = 0
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, int | None):
            print(e.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001  (reported like the interpreter would, as a traceback and status 1)
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    directory, jobs, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    split = rest.index("--")
    names, args = rest[:split], rest[split + 1 :]
    running: dict[int, tuple] = {}
    pending = list(reversed(names))
    while pending or running:
        while pending and len(running) < jobs:
            name = pending.pop()
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
            pid = os.fork()
            if pid == 0:
                child(directory, name, args, out.fileno(), err.fileno())
            running[pid] = (name, out, err)
        pid, status = os.wait()
        name, out, err = running.pop(pid)
        out.seek(0)
        err.seek(0)
        print(json.dumps({"name": name, "returncode": os.waitstatus_to_exitcode(status),
                          "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}),
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
