"""Terminal drawings of verifier figures (verifiers/_kit.py Figure data) with rich alone.

Three kinds, each a rich renderable that fits the width it is given:
- heatmap: the numbers in the cells when they fit, "·" for masked cells, a colour ramp behind them (a
  monochrome glyph ramp " ░▒▓█" under NO_COLOR or without colour). A matrix wider than the space is
  downsampled by an integer factor f (the smallest that fits, the same for rows and columns): each drawn
  cell is the mean of the unmasked cells of an f×f block, and "·" only when the whole block is masked.
  The caption says so.
- line: a character plot with one marker per series, linear or log10 axes, tick values at the ends and
  the middle, a legend.
- bar: one row per category and series (series side by side within a category), the value printed.
Labels are padded by terminal cell width (rich.cells.cell_len), so Chinese labels stay aligned.
No numpy, no matplotlib: importing this costs only rich.
"""

from __future__ import annotations

import math

from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from rich.text import Text

GLYPHS = " ░▒▓█"  # monochrome ramp, low to high
MARKERS = "*o+x#"
SERIES_COLORS = ("bright_cyan", "bright_magenta", "bright_yellow", "bright_green", "bright_red")
RAMP = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))  # viridis-like, low to high
PLOT_HEIGHT = 12
MAX_NUMBER_COLUMNS = 16  # more columns than this: colour/glyph cells only


def tr(en: str, zh: str, lang: str) -> str:
    return zh if lang == "zh" and zh else en


def axis_label(axis, lang: str) -> str:
    name = tr(axis.name, axis.name_zh, lang)
    return f"{name} ({axis.unit})" if axis.unit else name


def pad(s: str, width: int, right: bool = False) -> str:
    """Pad to `width` terminal cells (a CJK character takes two)."""
    gap = max(width - cell_len(s), 0)
    return " " * gap + s if right else s + " " * gap


def short(v: float | None) -> str:
    """A number in at most ~6 characters."""
    if v is None:
        return "·"
    if not math.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e5 or a < 1e-3:
        return f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e")
    if v == int(v):
        return str(int(v))
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def mono(console) -> bool:
    return bool(console.no_color) or console.color_system is None


class Caption(Text):
    """A line under a drawing that may wrap (the drawing's own lines never do)."""


class Row:
    """One line of a drawing as (text, style) runs, rendered straight to segments: a 64-column heatmap
    row has dozens of styles, and rich's Text machinery would cost most of the 50 ms budget."""

    def __init__(self):
        self.runs: list[tuple[str, Style | None]] = []

    def append(self, text: str, style: Style | None = None) -> None:
        if self.runs and self.runs[-1][1] is style:
            self.runs[-1] = (self.runs[-1][0] + text, style)  # merge equal neighbours: fewer segments
        else:
            self.runs.append((text, style))

    @property
    def plain(self) -> str:
        return "".join(t for t, _ in self.runs)

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        for text, style in self.runs:
            yield Segment(text, style)
        yield Segment.line()


class FigureView:
    """A rich renderable for one Figure in one language."""

    def __init__(self, figure, lang: str = "en", height: int = PLOT_HEIGHT):
        self.figure, self.lang, self.height = figure, lang, height

    def __rich_console__(self, console, options):
        width = max(options.max_width, 20)
        f = self.figure
        draw = {"heatmap": heatmap_lines, "line": line_lines, "bar": bar_lines}.get(f.kind)
        yield Text(tr(f.title, f.title_zh, self.lang), style="bold", overflow="fold")
        if draw is None:
            yield Text(f"(cannot draw a {f.kind!r} figure)", style="dim")
        else:
            for line in draw(f, width, self.lang, mono(console), self.height):
                if isinstance(line, Text) and not isinstance(line, Caption):
                    line.no_wrap, line.overflow = True, "crop"
                yield line
        note = tr(f.note, f.note_zh, self.lang)
        if note:
            yield Text(note, style="dim italic", overflow="fold")


def render(figure, lang: str = "en", height: int = PLOT_HEIGHT) -> FigureView:
    return FigureView(figure, lang, height)


# --- heatmap -------------------------------------------------------------------------------------------


def ramp_color(t: float) -> Color:
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    a, b, w = RAMP[i], RAMP[i + 1], t - i
    return Color.from_rgb(*(round(a[c] + (b[c] - a[c]) * w) for c in range(3)))


DIM = Style(dim=True)
_CELL_STYLES: dict[int, Style] = {}
LEVELS = 64  # colour steps; a cell's colour is its value quantised to one of these


def cell_style(t: float) -> Style:
    """Background from the ramp, black or white text for contrast; one cached Style per colour step."""
    level = round(min(max(t, 0.0), 1.0) * (LEVELS - 1))
    style = _CELL_STYLES.get(level)
    if style is None:
        x = level / (LEVELS - 1)
        style = _CELL_STYLES[level] = Style(color="black" if x > 0.55 else "white", bgcolor=ramp_color(x))
    return style


def downsample(matrix: tuple, factor: int) -> list[list[float | None]]:
    """Mean of the unmasked cells of each factor×factor block; None when the whole block is masked."""
    if factor == 1:
        return [list(r) for r in matrix]
    rows, cols = len(matrix), len(matrix[0]) if matrix else 0
    out = []
    for i in range(0, rows, factor):
        row = []
        for j in range(0, cols, factor):
            vals = [v for r in matrix[i:i + factor] for v in r[j:j + factor] if v is not None]  # fmt: skip
            row.append(sum(vals) / len(vals) if vals else None)
        out.append(row)
    return out


def heatmap_lines(f, width: int, lang: str, is_mono: bool, height: int) -> list[Text]:
    m = f.matrix
    rows, cols = len(m), len(m[0]) if m else 0
    if not rows or not cols:
        return [Text("(empty)", style="dim")]
    label_w = len(str(rows - 1)) + 1
    values = [v for r in m for v in r if v is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    span = hi - lo
    texts = {short(v) for r in m for v in r}
    cell = max(len(t) for t in texts) + (2 if is_mono else 1)  # mono: number + glyph
    numbers = cols <= MAX_NUMBER_COLUMNS and label_w + cols * cell <= width
    factor = 1
    if not numbers:
        cell = 2
        factor = max(1, math.ceil(cols * cell / max(width - label_w, 1)))
    grid = downsample(m, factor)
    out = []
    header = Text(" " * label_w, style="dim")
    for j in range(0, len(grid[0])):
        idx = str(j * factor)
        header.append(pad(idx, cell, right=True) if len(idx) <= cell and (numbers or j % 4 == 0) else " " * cell)
    out.append(header)
    for i, row in enumerate(grid):
        line = Row()
        line.append(pad(str(i * factor), label_w - 1, right=True) + " ", DIM)
        for v in row:
            if v is None:
                line.append(pad("·", cell, right=True), DIM)
                continue
            t = (v - lo) / span if span else 1.0
            if is_mono:
                glyph = GLYPHS[min(int(t * len(GLYPHS)), len(GLYPHS) - 1)]
                line.append(pad(short(v), cell - 1, right=True) + glyph if numbers else glyph * cell)
            else:
                line.append(pad(short(v), cell, right=True) if numbers else " " * cell, cell_style(t))
        out.append(line)
    value = axis_label(f.value, lang) if f.value else ""
    axes = f"{'行' if lang == 'zh' else 'rows'}: {axis_label(f.y, lang)} · {'列' if lang == 'zh' else 'columns'}: " \
           f"{axis_label(f.x, lang)} · {value} {short(lo)} … {short(hi)}"
    legend = Text(axes + "  ", style="dim")
    if is_mono:
        legend.append(f"[{GLYPHS}]")
    else:
        for k in range(8):
            legend.append(" ", style=Style(bgcolor=ramp_color(k / 7)))
    out.append(legend)
    if factor > 1:
        shown = f"{len(grid)}×{len(grid[0])}"
        out.append(Caption(f"{rows}×{cols} → {shown}: " + (f"每格为 {factor}×{factor} 块中未遮挡值的平均，整块遮挡才显示 ·"
                                                       if lang == "zh" else
                                                       f"each cell is the mean of the unmasked cells of a {factor}×{factor} "
                                                       "block, · only when the whole block is masked"), style="dim"))
    return out


# --- line chart ----------------------------------------------------------------------------------------


def _tf(v: float, log: bool) -> float | None:
    if log:
        return math.log10(v) if v > 0 else None
    return v


def tick(v: float, log: bool) -> str:
    return short(10**v if log else v)


def line_lines(f, width: int, lang: str, is_mono: bool, height: int) -> list[Text]:
    def drawable(x, y):
        return math.isfinite(x) and math.isfinite(y) and _tf(x, f.x.log) is not None and _tf(y, f.y.log) is not None

    pts = [[(x, y) for x, y in zip(s.x, s.y, strict=True) if drawable(x, y)] for s in f.series]
    xs = [_tf(x, f.x.log) for p in pts for x, _ in p]
    ys = [_tf(y, f.y.log) for p in pts for _, y in p]
    if not xs:
        return [Text("(no finite points)", style="dim")]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if y1 - y0 < 1e-12 * max(abs(y0), abs(y1), 1.0):  # a flat line: give it some room
        y0, y1 = y0 - 1, y1 + 1
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    tiny = 1e-9 * max(abs(y0), abs(y1))  # a linear tick that is rounding noise reads as 0

    def ytick(v):
        return "0" if not f.y.log and abs(v) < tiny else tick(v, f.y.log)

    ticks_y = [ytick(y1), ytick((y0 + y1) / 2), ytick(y0)]
    label_w = max(cell_len(t) for t in ticks_y) + 1
    plot_w = max(width - label_w - 1, 10)
    grid = [[" "] * plot_w for _ in range(height)]
    owner = [[-1] * plot_w for _ in range(height)]

    def row_of(y):
        return height - 1 - round((y - y0) / (y1 - y0) * (height - 1))

    for si, p in enumerate(pts):
        tp = sorted((_tf(x, f.x.log), _tf(y, f.y.log)) for x, y in p)
        if not tp:
            continue
        prev = None
        for c in range(plot_w):
            xv = x0 + (x1 - x0) * c / max(plot_w - 1, 1)
            if xv < tp[0][0] - 1e-12 or xv > tp[-1][0] + 1e-12:
                prev = None
                continue
            k = next((i for i in range(1, len(tp)) if tp[i][0] >= xv), len(tp) - 1)
            (xa, ya), (xb, yb) = tp[max(k - 1, 0)], tp[k]
            yv = ya if xb == xa else ya + (yb - ya) * (xv - xa) / (xb - xa)
            r = row_of(yv)
            span = range(min(r, prev), max(r, prev) + 1) if prev is not None else [r]
            for rr in span:  # fill steep steps so the curve stays connected
                grid[rr][c], owner[rr][c] = MARKERS[si % len(MARKERS)], si
            prev = r
    out = [Text(axis_label(f.y, lang) + (" [log]" if f.y.log else ""), style="dim")]
    for r in range(height):
        label = ticks_y[0] if r == 0 else ticks_y[1] if r == (height - 1) // 2 else ticks_y[2] if r == height - 1 else ""
        line = Text()
        line.append(pad(label, label_w - 1, right=True) + " ┤" if label else " " * label_w + "│", style="dim")
        for c in range(plot_w):
            ch, si = grid[r][c], owner[r][c]
            line.append(ch, style=None if is_mono or si < 0 else SERIES_COLORS[si % len(SERIES_COLORS)])
        out.append(line)
    out.append(Text(" " * label_w + "└" + "─" * plot_w, style="dim"))
    left, mid, right = tick(x0, f.x.log), tick((x0 + x1) / 2, f.x.log), tick(x1, f.x.log)
    axis = [" "] * (plot_w + 1)
    for pos, s in ((0, left), ((plot_w - len(mid)) // 2, mid), (plot_w + 1 - len(right), right)):
        for i, ch in enumerate(s):
            if 0 <= pos + i < len(axis):
                axis[pos + i] = ch
    out.append(Text(" " * label_w + "".join(axis), style="dim"))
    xname = axis_label(f.x, lang) + (" [log]" if f.x.log else "")
    out.append(Text(pad(xname, label_w + plot_w + 1, right=True), style="dim"))
    legend = Text()
    for si, s in enumerate(f.series):
        legend.append(f"{MARKERS[si % len(MARKERS)]} ", style=None if is_mono else SERIES_COLORS[si % len(SERIES_COLORS)])
        legend.append(tr(s.name, s.name_zh, lang) + "   ")
    out.append(legend)
    return out


# --- bar chart -----------------------------------------------------------------------------------------


def bar_lines(f, width: int, lang: str, is_mono: bool, height: int) -> list[Text]:
    cats = f.categories or tuple(short(x) for x in f.series[0].x)
    names = [tr(s.name, s.name_zh, lang) for s in f.series]
    many = len(f.series) > 1
    cat_w = max(cell_len(c) for c in cats) + 1
    name_w = max(cell_len(n) for n in names) + 1 if many else 0
    texts = [[f"{v:.3g}" for v in s.y] for s in f.series]  # three significant digits: 1/256 reads 0.00391
    val_w = max(len(t) for ts in texts for t in ts) + 1
    bar_w = max(width - cat_w - name_w - val_w - 1, 5)
    vals = [v for s in f.series for v in s.y if math.isfinite(v) and (v > 0 or not f.y.log)]
    if not vals:
        return [Text("(no drawable values)", style="dim")]
    if f.y.log:
        lo, hi = math.log10(min(vals)), math.log10(max(vals))
        lo -= max((hi - lo) * 0.1, 0.3)  # the smallest bar keeps a visible length

        def length(v):
            if not v > 0:
                return 0
            return round((math.log10(v) - lo) / (hi - lo) * bar_w) if hi > lo else bar_w
    else:
        top = max((abs(v) for v in vals), default=1.0) or 1.0

        def length(v):
            return round(abs(v) / top * bar_w)
    fills = "█▒▓░"
    out = [Text(f"{axis_label(f.y, lang)}{' [log]' if f.y.log else ''}  {'按' if lang == 'zh' else 'by'} "
                f"{axis_label(f.x, lang)}", style="dim")]
    for ci, cat in enumerate(cats):
        for si, s in enumerate(f.series):
            line = Text(pad(cat if si == 0 else "", cat_w), style="bold")
            if many:
                line.append(pad(names[si], name_w), style="dim")
            v = s.y[ci]
            n = length(v) if math.isfinite(v) else 0
            fill = fills[si % len(fills)] if is_mono else "█"
            line.append(fill * n, style=None if is_mono else SERIES_COLORS[si % len(SERIES_COLORS)])
            line.append(" " + texts[si][ci])
            out.append(line)
    return out
