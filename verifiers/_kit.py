"""The verifier contract, shared by every file in verifiers/.

A verifier module has a docstring whose first paragraph states its claim and a
`run(seed: int = 0) -> list[Check]`. Each Check compares a *measured* value with
an *expected* value computed independently (closed form, hand computation or a
reference implementation), within a tolerance.

This file imports neither torch nor rich at module level, so the quiz can read
results without paying for torch.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Check:
    name: str
    expected: float
    measured: float
    tolerance: float  # absolute; 0 for exact / boolean checks
    passed: bool
    note: str = ""
    relation: str = "≈"  # how measured must relate to expected: ≈ (within tolerance), =, ≤ or ≥


def _number(x) -> float:
    # Accept python numbers, 0-d tensors and numpy scalars without importing either library.
    if hasattr(x, "item"):
        x = x.item()
    return float(x)


def check(
    name: str,
    expected,
    measured,
    *,
    rel_tol: float | None = None,
    abs_tol: float | None = None,
    note: str = "",
) -> Check:
    """|measured - expected| <= max(abs_tol, rel_tol * |expected|)."""
    e, m = _number(expected), _number(measured)
    tol = max(abs_tol or 0.0, (rel_tol or 0.0) * abs(e))
    ok = math.isfinite(m) and abs(m - e) <= tol
    return Check(name, e, m, tol, ok, note)


def check_true(name: str, condition, note: str = "") -> Check:
    """A yes/no property (expected 1 = true)."""
    m = 1.0 if bool(condition) else 0.0
    return Check(name, 1.0, m, 0.0, m == 1.0, note, "=")


def check_at_most(name: str, bound, measured, note: str = "") -> Check:
    """measured <= bound; `tolerance` records the slack left (bound - measured)."""
    b, m = _number(bound), _number(measured)
    return Check(name, b, m, 0.0, math.isfinite(m) and m <= b, note, "≤")


def check_at_least(name: str, bound, measured, note: str = "") -> Check:
    """measured >= bound."""
    b, m = _number(bound), _number(measured)
    return Check(name, b, m, 0.0, math.isfinite(m) and m >= b, note, "≥")


def single_thread() -> None:
    """Verifier tensors are tiny: thread start-up costs more than it saves, and on a busy 2-core
    machine torch's default pool makes a 30 ms verifier take seconds."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def claim_of(module) -> str:
    """First paragraph of a module docstring, on one line."""
    doc = (module.__doc__ or "").strip()
    return " ".join(doc.split("\n\n")[0].split())


def result_dict(name: str, claim: str, checks: list[Check], seconds: float) -> dict:
    def clean(v):
        return v if isinstance(v, float) and math.isfinite(v) else (None if isinstance(v, float) else v)

    return {
        "name": name,
        "claim": claim,
        "checks": [{k: clean(v) for k, v in asdict(c).items()} for c in checks],
        "passed": bool(checks) and all(c.passed for c in checks),
        "seconds": round(seconds, 4),
    }


def fmt(x: float) -> str:
    if x is None or not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:.6g}"


def main(run: Callable[..., list[Check]], argv: list[str] | None = None) -> None:
    """Standalone entry point: `python verifiers/<name>.py [--json] [--seed N]`."""
    module = sys.modules[run.__module__]
    name = getattr(module, "__file__", run.__module__).rsplit("/", 1)[-1].removesuffix(".py")
    parser = argparse.ArgumentParser(description=claim_of(module))
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)

    single_thread()
    start = time.perf_counter()
    checks = run(seed=args.seed)
    result = result_dict(name, claim_of(module), checks, time.perf_counter() - start)
    if args.json:
        print(json.dumps([result], indent=2, ensure_ascii=False))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{name}: {result['claim']}", title_justify="left")
        for col in ("check", "measured", "", "expected", "tolerance", "result"):
            table.add_column(col, justify="left" if col == "check" else "right", overflow="fold")
        for c in checks:
            verdict = "[green]PASS[/]" if c.passed else "[bold red]FAIL[/]"
            tol = fmt(c.tolerance) if c.relation == "≈" else ""
            table.add_row(c.name, fmt(c.measured), c.relation, fmt(c.expected), tol, verdict)
        Console().print(table)
        Console().print(f"{'PASSED' if result['passed'] else 'FAILED'} in {result['seconds']:.2f} s")
    sys.exit(0 if result["passed"] else 1)
