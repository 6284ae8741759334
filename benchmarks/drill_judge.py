"""How long a learner waits for a drill verdict after saving.

    python benchmarks/drill_judge.py [--runs 5] [--drill softmax]

Cold: `sandbox.judge` with no worker: a fresh `python -I` child imports torch, sets its limits and
judges the reference solution (what `quiz drill NAME --file` pays). Warm: a `Worker` started
beforehand (as when a drill card comes up) and ready; each attempt forks a child with its own limits.
Also the machine's floor: a bare `python -c "import torch"`. Prints min / median / max in seconds.
Targets: cold under 3 s, warm under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def line(label: str, times: list[float], target: float | None = None) -> str:
    verdict = "" if target is None else ("  OK" if statistics.median(times) <= target else f"  over the {target:g} s target")
    return (f"{label:34} min {min(times):6.3f} s   median {statistics.median(times):6.3f} s   "
            f"max {max(times):6.3f} s{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drill", default="softmax")
    args = parser.parse_args()

    from quiz import drills, sandbox

    drill = drills.find(args.drill)
    path = drill.file("reference")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}

    floor = []
    for _ in range(args.runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-c", "import torch"], check=True, env=env)
        floor.append(time.perf_counter() - t)

    cold = []
    for _ in range(args.runs):
        t = time.perf_counter()
        v = sandbox.judge(drill, path)
        cold.append(time.perf_counter() - t)
        assert v.passed, v.headline()

    with sandbox.Worker(drill.directory.parent) as worker:
        t = time.perf_counter()
        assert worker.wait_ready()
        ready = time.perf_counter() - t
        warm = []
        for _ in range(args.runs * 2):
            t = time.perf_counter()
            v = sandbox.judge(drill, path, worker=worker)
            warm.append(time.perf_counter() - t)
            assert v.passed, v.headline()

    print(f"drill {drill.name}, {args.runs} runs (warm: {2 * args.runs}); load average {os.getloadavg()[0]:.1f}")
    print(line("floor: python -I -c 'import torch'", floor))
    print(line("cold verdict (child + torch)", cold, 3.0))
    print(f"{'warm worker ready after':34} {ready:6.3f} s (started when the card comes up)")
    print(line("warm verdict (fork per attempt)", warm, 0.5))


if __name__ == "__main__":
    main()
