"""Terminal figures (quiz/figures.py): fast, within the width, aligned in Chinese, readable without colour,
large matrices downsampled by the stated rule; figures are plain JSON data."""

import json
import time

import pytest
from rich.cells import cell_len
from rich.console import Console

from quiz import figures, verify

K = verify.kit()


def draw(fig, width=80, lang="en", color=True, height=figures.PLOT_HEIGHT) -> tuple[str, str]:
    """(plain text, ANSI text) of one figure."""
    console = Console(width=width, record=True, force_terminal=True, color_system="truecolor" if color else None,
                      no_color=not color, legacy_windows=False)  # fmt: skip
    console.print(figures.render(fig, lang, height))
    ansi = console.export_text(styles=True, clear=False)
    return console.export_text(), ansi


@pytest.fixture(scope="module")
def all_figures():
    out = []
    for name in verify.names():
        if verify.has_figures(name):
            r = verify.run(name, figures=True)
            assert not r.figure_error, r.figure_error
            out += [(name, f) for f in r.figures]
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_draws_within_50_ms_and_80_columns(all_figures, lang):
    for name, f in all_figures:
        best = float("inf")
        for _ in range(3):  # the best of three: a busy machine must not fail the test, a slow renderer will
            start = time.perf_counter()
            text, _ = draw(f, 80, lang)
            best = min(best, time.perf_counter() - start)
        assert best < 0.05, f"{name}.{f.id} took {best * 1000:.0f} ms"
        lines = text.splitlines()
        assert len(lines) >= 5, f"{name}.{f.id} drew almost nothing"
        assert max(cell_len(line) for line in lines) <= 80, f"{name}.{f.id}"


def test_figures_fit_narrow_and_wide_terminals(all_figures):
    for width in (50, 60, 160):
        for name, f in all_figures:
            text, _ = draw(f, width, "zh")
            assert max(cell_len(line) for line in text.splitlines()) <= width, f"{name}.{f.id} at {width}"


def test_figures_are_json_round_trips(all_figures):
    for _, f in all_figures:
        d = json.loads(json.dumps(K.figure_dict(f), allow_nan=False))
        assert K.figure_from_dict(d) == f


def small_heatmap():
    return K.heatmap_figure("m", "mask", [[1.0, 0.0], [0.5, 0.25]], masked=[[False, True], [False, False]])


def test_small_heatmap_shows_numbers_and_dots_for_masked_cells():
    text, ansi = draw(small_heatmap())
    rows = text.splitlines()
    assert rows[2].split() == ["0", "1", "·"] and rows[3].split() == ["1", "0.50", "0.25"]
    assert "\x1b[" in ansi and "48;2;" in ansi  # a colour ramp behind the numbers
    assert not any(g in text for g in "░▒▓█")


def test_no_color_uses_a_monochrome_glyph_ramp(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    console = Console(width=80, record=True, force_terminal=True)
    assert console.no_color
    console.print(figures.render(small_heatmap()))
    ansi = console.export_text(styles=True, clear=False)
    rows = console.export_text().splitlines()
    assert rows[2].split() == ["0", "1█", "·"]  # the largest value gets the full block
    assert rows[3].split() == ["1", "0.50░", "0.25"]  # a third of the way up: ░; the minimum gets the blank glyph
    assert "48;2;" not in ansi and "[ ░▒▓█]" in rows[4]


def test_large_matrix_is_downsampled_by_block_means_with_the_rule_stated():
    n = 64
    matrix = [[float(i * n + j) if j <= i else 0.0 for j in range(n)] for i in range(n)]
    masked = [[j > i for j in range(n)] for i in range(n)]
    assert figures.downsample(K.heatmap_figure("x", "x", matrix, masked=masked).matrix, 2)[0][:2] == [
        (0 + 64 + 65) / 3, None]  # unmasked cells of the block only; a fully masked block stays masked  # fmt: skip
    text, _ = draw(K.heatmap_figure("big", "big", matrix, masked=masked), width=80, color=False)
    assert "64×64 → 32×32" in text and "2×2" in text
    grid = [line for line in text.splitlines() if line[:3].strip().isdigit()]
    assert len(grid) == 32 and all(cell_len(line) <= 80 for line in grid)
    assert grid[0].count("·") == 31 and grid[-1].count("·") == 0  # blocks above the diagonal are all masked


def test_bar_labels_stay_aligned_in_chinese():
    f = K.bar_figure("b", "条形", ["注意力", "FFN", "层归一化"], ("模块", "", False, "模块"), "梯度",
                     {"Post-LN": [1.0, 2.0, 3.0], "Pre-LN": [1.5, 1.5, 1.5]}, names_zh={"Pre-LN": "前置 LN"})
    text, _ = draw(f, 60, "zh", color=False)
    bars = [line for line in text.splitlines() if "█" in line or "▒" in line]
    assert len(bars) == 6
    starts = {cell_len(line[: min(i for i in (line.find("█"), line.find("▒")) if i >= 0)]) for line in bars}
    assert len(starts) == 1  # every bar begins in the same terminal column
    assert bars[5].endswith(" 1.5") and bars[4].endswith(" 3")


def test_log_axes_straighten_a_power_law():
    xs = [2**i for i in range(11)]
    f = K.line_figure("p", "power", ("x", "", True), ("y", "", True), [K.series("x^2", xs, [x * x for x in xs])])
    text, _ = draw(f, 60, color=False, height=11)
    rows = [line for line in text.splitlines() if "┤" in line or "│" in line]
    assert len(rows) == 11
    first = rows[0].index("┤") + 1  # the plot's first column
    last = len(rows[0]) - 1
    assert rows[10][first] == "*" and rows[0][last] == "*"
    mid = (first + last) // 2
    assert "*" in rows[5][mid - 1:mid + 2]  # geometric mean of x -> geometric mean of y: a straight line
    assert [r.split("┤")[0].strip() for r in rows if "┤" in r] == ["1e6", "1024", "1"]


NAN, INF = float("nan"), float("inf")
HOSTILE = [
    K.heatmap_figure("empty", "empty", []),
    K.heatmap_figure("masked", "all masked", [[1.0, 2.0]], masked=[[True, True]]),
    K.heatmap_figure("inf", "-inf logits", [[0.0, -INF], [NAN, 1e300]]),
    K.heatmap_figure("wide", "1 x 500", [[float(i) for i in range(500)]]),
    K.line_figure("nan", "nan series", "x", "y", [K.series("a", [1, 2, 3], [NAN, NAN, NAN])]),
    K.line_figure("one", "one point", ("x", "", True), ("y", "", True), [K.series("a", [5], [7])]),
    K.line_figure("neg", "log of non-positive", ("x", "", True), ("y", "", True), [K.series("a", [0, -1, 2], [0, 1, -3])]),
    K.line_figure("flat", "flat", "x", "y", [K.series("a", [0, 1, 2], [3, 3, 3]), K.series("b", [], [])]),
    K.bar_figure("zero", "zeros on a log axis", ["a", "b"], "k", ("v", "", True), {"s": [0.0, -1.0]}),
    K.bar_figure("mixed", "negative bars", ["甲", "乙"], "k", "v", {"s": [-2.0, INF]}),
    K.Figure("odd", "pie", "unknown kind", K.Axis("x"), K.Axis("y")),
]


@pytest.mark.parametrize("fig", HOSTILE, ids=[f.id for f in HOSTILE])
@pytest.mark.parametrize("width", [50, 80])
def test_odd_figures_draw_without_error_within_the_width(fig, width):
    text, _ = draw(fig, width, "zh", color=width == 80)
    assert text.splitlines()[0] == fig.title
    assert max(cell_len(line) for line in text.splitlines()) <= width


def test_a_failing_figures_function_leaves_the_checks_standing(tmp_path):
    (tmp_path / "broken_figure.py").write_text(
        '"""A claim."""\nfrom _kit import check\n\n\ndef run(seed=0):\n    return [check("one", 1, 1, abs_tol=0)]\n\n\n'
        'def figures(seed=0):\n    raise ValueError("no data")\n', encoding="utf-8")  # fmt: skip
    r = verify.run("broken_figure", directory=tmp_path, figures=True)
    assert r.passed and r.figures == [] and r.figure_error == "ValueError: no data"
    assert r.to_dict()["figure_error"] == "ValueError: no data"
    assert verify.run("broken_figure", directory=tmp_path).figure_error == ""  # not drawn unless asked
