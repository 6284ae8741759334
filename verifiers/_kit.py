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
    ok = math.isfinite(m) and m <= b
    return Check(name, b, m, b - m if ok else 0.0, ok, note, "≤")


def check_at_least(name: str, bound, measured, note: str = "") -> Check:
    """measured >= bound; `tolerance` records the slack left (measured - bound)."""
    b, m = _number(bound), _number(measured)
    ok = math.isfinite(m) and m >= b
    return Check(name, b, m, m - b if ok else 0.0, ok, note, "≥")


# --- Figures: plain data a verifier may return beside its checks ------------------------------------------
# A verifier may define `figures(seed: int = 0, <same injectable as run>) -> list[Figure]`; one without it is
# unchanged. Figures are frozen dataclasses of numbers and strings (JSON via `figure_dict`), drawn by the quiz
# in the terminal (quiz/figures.py, rich) or as SVG (quiz/html_report.py, matplotlib); nothing here draws.


@dataclass(frozen=True)
class Axis:
    name: str
    unit: str = ""
    log: bool = False  # logarithmic axis (base 10); every value on it must be > 0
    name_zh: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    x: tuple  # floats; for bar charts the category positions 0, 1, 2, ... (labels in Figure.categories)
    y: tuple
    name_zh: str = ""


@dataclass(frozen=True)
class Figure:
    id: str  # unique inside its verifier; `<verifier>-<id>` is the element id in the HTML report
    kind: str  # "heatmap", "line" or "bar"
    title: str
    x: Axis
    y: Axis
    series: tuple = ()  # line and bar: tuple[Series, ...]
    matrix: tuple = ()  # heatmap: rows of floats, None = masked cell (drawn as ·)
    value: Axis | None = None  # heatmap: what the cells hold
    categories: tuple = ()  # bar: one label per x position
    title_zh: str = ""
    note: str = ""  # one line: what to look at
    note_zh: str = ""


def _floats(values) -> tuple:
    if hasattr(values, "tolist"):
        values = values.tolist()
    return tuple(float(v) for v in values)


def _axis(a) -> Axis:
    if isinstance(a, Axis):
        return a
    if isinstance(a, str):
        return Axis(a)
    return Axis(*a)


def series(name: str, x, y, name_zh: str = "") -> Series:
    """x and y: sequences or 1-d tensors of the same length."""
    xs, ys = _floats(x), _floats(y)
    if len(xs) != len(ys):
        raise ValueError(f"series {name!r}: {len(xs)} x values but {len(ys)} y values")
    return Series(name, xs, ys, name_zh)


def line_figure(id: str, title: str, x, y, series_: list, *, title_zh: str = "", note: str = "",
                note_zh: str = "") -> Figure:
    """x, y: an Axis, a name, or (name, unit, log, name_zh)."""
    return Figure(id, "line", title, _axis(x), _axis(y), series=tuple(series_), title_zh=title_zh, note=note,
                  note_zh=note_zh)


def bar_figure(id: str, title: str, categories, x, y, values: dict, *, title_zh: str = "", note: str = "",
               note_zh: str = "", names_zh: dict | None = None) -> Figure:
    """values: series name -> one value per category (several series are drawn side by side)."""
    cats = tuple(str(c) for c in categories)
    names_zh = names_zh or {}
    out = tuple(series(n, range(len(cats)), v, names_zh.get(n, "")) for n, v in values.items())
    return Figure(id, "bar", title, _axis(x), _axis(y), series=out, categories=cats, title_zh=title_zh,
                  note=note, note_zh=note_zh)


def heatmap_figure(id: str, title: str, matrix, *, masked=None, x=("key", "", False, "键"),
                   y=("query", "", False, "查询"), value=("weight", "", False, "权重"),
                   title_zh: str = "", note: str = "", note_zh: str = "") -> Figure:
    """matrix: (R, C) numbers (a tensor or nested lists); masked: same shape, True = masked (drawn as ·).
    Non-finite cells (-inf logits) count as masked too."""
    rows = matrix.tolist() if hasattr(matrix, "tolist") else [list(r) for r in matrix]
    hide = masked.tolist() if hasattr(masked, "tolist") else masked
    cells = tuple(
        tuple(None if (hide is not None and hide[i][j]) or not math.isfinite(float(v)) else float(v)
              for j, v in enumerate(row))
        for i, row in enumerate(rows)
    )
    return Figure(id, "heatmap", title, _axis(x), _axis(y), matrix=cells, value=_axis(value), title_zh=title_zh,
                  note=note, note_zh=note_zh)


def figure_dict(f: Figure) -> dict:
    """JSON-ready: non-finite numbers become null."""

    def clean(v):
        if isinstance(v, float):
            return v if math.isfinite(v) else None
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        return v

    return clean(asdict(f))


def figure_from_dict(d: dict) -> Figure:
    """Inverse of figure_dict (for reports built from `quiz verify --json`)."""
    value = Axis(**d["value"]) if d.get("value") else None
    return Figure(
        d["id"], d["kind"], d["title"], Axis(**d["x"]), Axis(**d["y"]),
        series=tuple(Series(s["name"], tuple(s["x"]), tuple(s["y"]), s.get("name_zh", "")) for s in d["series"]),
        matrix=tuple(tuple(r) for r in d["matrix"]), value=value, categories=tuple(d["categories"]),
        title_zh=d.get("title_zh", ""), note=d.get("note", ""), note_zh=d.get("note_zh", ""),
    )  # fmt: skip


def log_slope(x, y) -> float:
    """Least-squares slope of log y against log x: the exponent of a power law y ~ x^slope."""
    lx, ly = [math.log(v) for v in x], [math.log(v) for v in y]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


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
