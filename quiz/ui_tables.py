"""Listings (`quiz list`, `quiz topics`, `quiz stats`) that stay readable at any width and when piped.

A listing is a Sheet: columns, rows in sections, one key column that is always shown. `emit` picks the
layout from where the output goes:
- a terminal, or a pipe with COLUMNS set: a table that fits the width; when it cannot, the optional
  columns go first, then the table becomes a stacked list (key on its own line, the rest indented under it);
- a pipe or file without COLUMNS: plain tab-separated rows with a header, every column, no truncation.
No column is ever squeezed to zero width, and the wrapping column (a prompt) keeps at least WRAP_MIN cells.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table

WRAP_MIN = 28  # the narrowest a wrapping column (a prompt) may get before the layout changes
GAP = 2  # cells between two columns in SIMPLE_HEAD without edges and padding (0, 1, 0, 0)


@dataclass(frozen=True)
class Col:
    name: str
    right: bool = False  # numbers
    wrap: bool = False  # takes the width that is left and wraps in it (at most one column)
    drop: int = 0  # > 0: may be left out of a narrow table, lowest first; the plain rows keep it
    visual: bool = False  # a bar drawn for the eye: left out of the plain rows
    style: str = ""


@dataclass
class Section:
    label: str | None  # shown above its rows ("beyond the posts"); None: no heading
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Sheet:
    title: str
    columns: list[Col]
    sections: list[Section]
    group: str = "group"  # the plain rows' column for section labels, when any section has one
    plain_title: bool = False  # print the title above the plain rows too (it carries a number)
    wrap_limit: int | None = None  # in tables, cut the wrapping column's text to this many characters


def output_width(console: Console | None = None) -> int | None:
    """Cells available for a listing: COLUMNS when the user set it, else the terminal's width;
    None when stdout is a pipe or a file (then listings print plain rows)."""
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    console = console or Console()
    return console.width if console.is_terminal else None


def plain_lines(sheet: Sheet) -> list[str]:
    """Tab-separated rows: a header, then every row; tabs and newlines inside a cell become spaces."""
    from .ui import printable

    cols = [i for i, c in enumerate(sheet.columns) if not c.visual]
    labelled = any(s.label for s in sheet.sections)
    cell = lambda s: printable(s).replace("\t", " ").replace("\n", " ")  # noqa: E731
    lines = [sheet.title] if sheet.plain_title else []
    lines.append("\t".join(([sheet.group] if labelled else []) + [sheet.columns[i].name for i in cols]))
    for section in sheet.sections:
        for row in section.rows:
            lines.append("\t".join(([cell(section.label or "")] if labelled else []) + [cell(row[i]) for i in cols]))
    return lines


def _natural(sheet: Sheet, i: int) -> int:
    from .ui import printable

    cells = [printable(r[i]) for s in sheet.sections for r in s.rows]
    cells = [_cut(sheet, sheet.columns[i], c) for c in cells]
    labels = [s.label or "" for s in sheet.sections] if i == 0 else []
    return max([cell_len(sheet.columns[i].name), *(cell_len(c) for c in cells + labels)])


def fit(sheet: Sheet, width: int) -> list[int] | None:
    """Indices of the columns a table of `width` cells shows, or None when even the required ones do not fit."""
    keep = list(range(len(sheet.columns)))
    natural = {i: _natural(sheet, i) for i in keep}
    for_drop = sorted((c.drop, i) for i, c in enumerate(sheet.columns) if c.drop)

    def needed(cols: list[int]) -> int:
        return sum(min(natural[i], WRAP_MIN) if sheet.columns[i].wrap else natural[i] for i in cols) + GAP * (len(cols) - 1)

    while needed(keep) > width:
        if not for_drop:
            return None
        keep.remove(for_drop.pop(0)[1])
    return keep


def _cut(sheet: Sheet, col: Col, text: str) -> str:
    text = text.replace("\n", " ")
    if col.wrap and sheet.wrap_limit and len(text) > sheet.wrap_limit:
        cut = text[: sheet.wrap_limit + 1]
        cut = cut[: cut.rfind(" ")] if " " in cut[sheet.wrap_limit // 2 :] else cut[: sheet.wrap_limit]
        return cut.rstrip(" ,;:") + " …"
    return text


def table(sheet: Sheet, keep: list[int]) -> Table:
    from .ui import plain

    t = Table(title=plain(sheet.title) if sheet.title else None, title_justify="left", box=box.SIMPLE_HEAD,
              show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")  # fmt: skip
    for i in keep:
        c, natural = sheet.columns[i], _natural(sheet, i)
        t.add_column(c.name, justify="right" if c.right else "left", style=c.style or None, no_wrap=not c.wrap,
                     overflow="fold", min_width=min(natural, WRAP_MIN) if c.wrap else natural)  # fmt: skip
    for n, section in enumerate(sheet.sections):
        if n:
            t.add_section()
        if section.label:
            t.add_row(plain(section.label, style="bold italic"), *[""] * (len(keep) - 1))
        for row in section.rows:
            t.add_row(*[plain(_cut(sheet, sheet.columns[i], row[i])) for i in keep])
    return t


def stacked(sheet: Sheet) -> Group:
    """One entry per row: the key column in bold, then `name value` pairs, then the wrapping column."""
    from .ui import Prose, plain

    parts: list = [plain(sheet.title, style="bold")] if sheet.title else []
    key = sheet.columns[0]
    for section in sheet.sections:
        if section.label:
            parts.append(plain(f"— {section.label} —", style="bold italic"))
        for row in section.rows:
            parts.append(plain(row[0], style="bold"))
            pairs = [f"{c.name} {v}" for c, v in zip(sheet.columns, row, strict=True)
                     if c is not key and not c.wrap and not c.visual and v]  # fmt: skip
            if pairs:
                parts.append(Prose(" · ".join(pairs), style="dim", prefix="  ", prefix_style=""))
            for c, v in zip(sheet.columns, row, strict=True):
                if c.wrap and v:
                    parts.append(Prose(_cut(sheet, c, v), prefix="  ", prefix_style=""))
    return Group(*parts)


def renderable(sheet: Sheet, width: int):
    keep = fit(sheet, width)
    return table(sheet, keep) if keep is not None else stacked(sheet)


def emit(parts: list, width: int | None) -> None:
    """Print Sheets and lines of text to stdout at `width` cells, or as plain rows when width is None."""
    from .ui import plain, printable

    if width is None:
        blocks = ["\n".join(plain_lines(p)) if isinstance(p, Sheet) else printable(p) for p in parts]
        sys.stdout.write("\n\n".join(blocks) + "\n")
        sys.stdout.flush()
        return
    console = Console(width=max(width, 20), highlight=False)
    for p in parts:
        console.print(renderable(p, max(width, 20)) if isinstance(p, Sheet) else plain(p))


def list_prompt(q, lang: str) -> str:
    """A prompt as a listing shows it: cloze gaps as ____ and a parametric card's {placeholders} filled
    with the same fixed draw `quiz show` uses, so no template markup is ever printed raw."""
    import random

    from .bank import GAP_RE
    from .parametric import draw, fill

    text = q.prompt.get(lang)
    if q.type == "cloze":
        text = GAP_RE.sub("____", text)
    if q.params:
        text = fill(text, draw(q.params, random.Random(q.id)))
    return text
