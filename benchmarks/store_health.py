"""What the store's self-protection costs on a big store: 10,000 cards and 1,000,000 reviews.

    python benchmarks/store_health.py [--runs 5] [--keep DIR]

Prints the median time of `PRAGMA quick_check`, `PRAGMA integrity_check` and one online backup
(sqlite3.Connection.backup, what the daily backup does), next to the first-card budget (150 ms).
quick_check is why Store.open checks at most once a day (recorded in the settings table).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import ROOT, synthetic_store  # noqa: E402

sys.path.insert(0, str(ROOT))
FIRST_CARD_BUDGET = 0.150  # seconds, from benchmarks/startup.py


def median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="build the store in this directory and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.keep or Path(tmp)
        if not (home / "quiz.db").exists():
            start = time.perf_counter()
            synthetic_store(home, [])
            print(f"(synthetic store: 10,000 cards, 1,000,000 reviews, built in {time.perf_counter() - start:.1f} s)")
        db = home / "quiz.db"
        print(f"store size: {db.stat().st_size / 2**20:.1f} MiB")
        conn = sqlite3.connect(db)
        for pragma in ("quick_check", "integrity_check"):
            t = median(lambda p=pragma: conn.execute(f"PRAGMA {p}").fetchall(), args.runs)
            print(f"PRAGMA {pragma:16} {t * 1000:8.1f} ms   {t / FIRST_CARD_BUDGET:5.2f}x the first-card budget")

        def backup() -> None:
            dest = sqlite3.connect(home / "bench-backup.db")
            conn.backup(dest)
            dest.close()
            (home / "bench-backup.db").unlink()

        t = median(backup, args.runs)
        print(f"{'online backup':23} {t * 1000:8.1f} ms   {t / FIRST_CARD_BUDGET:5.2f}x the first-card budget")
        conn.close()


if __name__ == "__main__":
    main()
