"""Startup and queue benchmarks, printed as ratios to a floor.

    python benchmarks/startup.py [--runs 15] [--skip-verify]

Floor: `python -c "import click, rich.console, yaml"` (what any click + rich + yaml tool pays).
Measures: `quiz --help`, `quiz list --json`; building the due queue (1,000 due cards, lowest
retrievability first) from a synthetic store of 10,000 cards and 1,000,000 reviews; the whole
`quiz study` process up to the first card on that store, and its peak memory; `quiz verify` over
every verifier (torch imported once).
Targets on our 2-core machines: --help within 1.3x of the floor, queue under 10 ms, first card
under 150 ms, peak memory under 40 MiB, verify-all under 30 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PY = sys.executable
QUIZ = shutil.which("quiz", path=str(Path(PY).parent)) or "quiz"
# Measure what a user sees from the second run on: bytecode compiled and cached, as pip would leave it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(cmd: list[str], runs: int, env: dict | None = None) -> float:
    env = env or ENV
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_store(home: Path, ids: list[str], n_cards: int = 10_000, n_reviews: int = 1_000_000,
                    n_due: int = 1_000) -> None:  # fmt: skip
    """10k cards (the real bank's ids first, then made-up ones), 1M reviews, n_due of them due now."""
    from quiz.store import Store

    rng = random.Random(0)
    store = Store.open(home)
    now = time.time()
    all_ids = (ids + [f"synthetic.card-{i}" for i in range(n_cards)])[:n_cards]
    due_idx = set(rng.sample(range(n_cards), n_due))
    rows = []
    for i, qid in enumerate(all_ids):
        stability = rng.uniform(0.5, 300)
        last = now - rng.uniform(0, 400) * 86400
        due = now - rng.uniform(1, 86400) if i in due_idx else now + rng.uniform(3600, 300 * 86400)
        rows.append((qid, 2, None, stability, rng.uniform(1, 10), due, last, now - 500 * 86400, None))
    c = store.conn
    c.execute("BEGIN")
    c.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    c.executemany(
        "INSERT INTO reviews (question_id, rating, answer, correct, duration_ms, reviewed_at, cram) "
        "VALUES (?, ?, NULL, NULL, ?, ?, 0)",
        ((all_ids[rng.randrange(n_cards)], rng.randint(1, 4), rng.randint(500, 20000), now - rng.uniform(1, 400) * 86400)
         for _ in range(n_reviews)),
    )  # fmt: skip
    c.execute("COMMIT")
    store.close()


def queue_time(home: Path, runs: int) -> tuple[float, int]:
    """Median time of build_queue over a bank holding all 10k card ids (so 1,000 are due)."""
    from quiz.bank import Bank, Question, Text
    from quiz.session import Limits, build_queue
    from quiz.store import Store

    store = Store.open(home)
    ids = [r[0] for r in store.conn.execute("SELECT question_id FROM cards")]
    bank = Bank(tuple(Question(i, i.split(".")[0], "flashcard", 1, Text(i, i), Text("a", "a")) for i in ids))
    limits = Limits(new_per_day=20, reviews_per_day=10_000)
    times, n = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        items = build_queue(bank, store, time.time(), limits=limits)
        times.append(time.perf_counter() - start)
        n = len(items)
    return statistics.median(times), n


def first_card(home: Path, runs: int, cold: bool = False) -> tuple[float, float]:
    """Median seconds from spawning `quiz study` to the first card on screen, and peak RSS (MiB).
    cold: delete the parsed-bank cache before each run (the very first start after an edit)."""
    import pexpect

    env = {**ENV, "QUIZ_HOME": str(home), "COLUMNS": "100"}
    times, peaks = [], []
    for _ in range(runs):
        if cold:
            from quiz.bank_cache import CACHE_NAME

            (home / CACHE_NAME).unlink(missing_ok=True)
        start = time.perf_counter()
        child = pexpect.spawn(QUIZ, ["study"], env=env, timeout=30, dimensions=(50, 100))
        child.expect(["show answer", "Press a letter", "Your answer", "Gap 1"])
        times.append(time.perf_counter() - start)
        with open(f"/proc/{child.pid}/status") as f:
            peaks.append(next(int(x.split()[1]) for x in f if x.startswith("VmHWM")) / 1024)
        child.sendintr()
        child.expect(pexpect.EOF)
    return statistics.median(times), max(peaks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--skip-verify", action="store_true", help="skip timing `quiz verify` over everything")
    args = ap.parse_args()

    import compileall

    compileall.compile_dir(str(ROOT / "quiz"), quiet=1)
    floor = median_seconds([PY, "-c", "import click, rich.console, yaml"], args.runs)
    print(f"floor: python -c 'import click, rich.console, yaml'   {floor * 1000:7.1f} ms   1.00x")
    for label, cmd in (("quiz --help", [QUIZ, "--help"]), ("quiz list --json", [QUIZ, "list", "--json"])):
        t = median_seconds(cmd, args.runs)
        print(f"{label:50} {t * 1000:7.1f} ms   {t / floor:.2f}x")

    from quiz import bank

    real_ids = [q.id for q in bank.load()[0].questions]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        start = time.perf_counter()
        synthetic_store(home, real_ids)
        print(f"(synthetic store: 10,000 cards, 1,000,000 reviews, built in {time.perf_counter() - start:.1f} s)")
        q, n = queue_time(home, args.runs)
        print(f"{'build due queue (' + str(n) + ' cards: 1,000 due + new)':50} {q * 1000:7.1f} ms   {q / floor:.2f}x")
        t, peak = first_card(home, max(5, args.runs // 3))
        print(f"{'quiz study -> first card (process)':50} {t * 1000:7.1f} ms   {t / floor:.2f}x   peak {peak:.1f} MiB")
        t, peak = first_card(home, max(5, args.runs // 3), cold=True)
        print(f"{'  same, cold: banks parsed, no cache':50} {t * 1000:7.1f} ms   {t / floor:.2f}x   peak {peak:.1f} MiB")

    if not args.skip_verify:
        start = time.perf_counter()
        out = subprocess.run([QUIZ, "verify", "--json"], capture_output=True, text=True)
        wall = time.perf_counter() - start
        import json

        results = json.loads(out.stdout)
        slowest = sorted(results, key=lambda r: -r["seconds"])[:5]
        print(f"{'quiz verify (all ' + str(len(results)) + ', one process)':50} {wall:7.1f} s    "
              f"passed {sum(r['passed'] for r in results)}/{len(results)}")  # fmt: skip
        print("  slowest: " + ", ".join(f"{r['name']} {r['seconds']:.2f}s" for r in slowest))


if __name__ == "__main__":
    main()
