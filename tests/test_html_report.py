"""`quiz verify --html`: one offline page, deterministic bytes, every figure drawn in a real browser."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from quiz import html_report, verify

GOLDEN = Path(__file__).parent / "data" / "golden" / "report_emergence_arithmetic.en.html"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    results = [verify.run(n, figures=True) for n in verify.names()]
    path = tmp_path_factory.mktemp("report") / "report.html"
    html_report.write(results, path, "en")
    return results, path


def test_report_for_all_verifiers_is_small_offline_and_complete(full_report):
    results, path = full_report
    data = path.read_bytes()
    assert len(data) <= 300 * 1024, f"{len(data) / 1024:.0f} KB"
    text = data.decode("utf-8")
    assert "<script" not in text.lower() and "@import" not in text
    assert not re.search(r'(src|href)="(https?:)?//', text) and "url(http" not in text  # nothing fetched
    assert text.count("<section ") == len(results) == len(verify.names())
    ids = [html_report.figure_id(r.name, f) for r in results for f in r.figures]
    assert len(ids) >= 20 and len(set(ids)) == len(ids)
    assert all(f'<svg id="{i}"' in text for i in ids)
    assert text.count("<svg ") == len(ids)
    assert all(f"<h2>{r.name} " in text for r in results)


def test_two_runs_give_identical_bytes(tmp_path):
    paths = [tmp_path / "a.html", tmp_path / "b.html"]
    # two processes (side by side): nothing may depend on the clock, the process or a random salt
    procs = [subprocess.Popen([sys.executable, "-m", "quiz", "verify", "alibi_slopes", "kv_cache_memory", "--html", str(p)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in paths]  # fmt: skip
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert b"<svg " in paths[0].read_bytes()


def test_golden_report_for_one_verifier():
    """Regenerate after an intended change with QUIZ_UPDATE_GOLDEN=1 (matplotlib pinned in constraints.txt)."""
    text = html_report.report([verify.run("emergence_arithmetic", figures=True)], "en")
    if os.environ.get("QUIZ_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_chinese_report_uses_chinese_titles_and_words():
    text = html_report.report([verify.run("lookahead_mask", figures=True)], "zh")
    assert '<html lang="zh-CN">' in text
    assert "加因果掩码的注意力权重" in text and "<th>测量值</th>" in text and ">通过<" in text
    assert "Attention weights with the causal mask" not in text


def chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (the CI script installs it)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, timeout=120)


def test_report_renders_in_headless_chromium(full_report, tmp_path):
    results, path = full_report
    ids = [html_report.figure_id(r.name, f) for r in results for f in r.figures]
    dom = chromium(tmp_path, "--dump-dom", path.as_uri()).stdout.decode("utf-8")
    svgs = dict(re.findall(r'<svg id="([^"]+)"(.*?)</svg>', dom, re.S))
    assert sorted(svgs) == sorted(ids)  # the browser parsed every figure
    for i, body in svgs.items():
        assert body.count("<path") >= 5 or "<image" in body, i

    # Every figure drawn, one tile each: the same <svg> markup in a grid, screenshot, and no tile is blank.
    tiles = "".join(f'<div class="t">{m.group(0)}</div>' for m in re.finditer(r"<svg .*?</svg>", path.read_text(), re.S))
    page = tmp_path / "tiles.html"
    page.write_text('<!DOCTYPE html><meta charset="utf-8"><style>body{margin:0;background:#fff}'
                    ".t{float:left;width:200px;height:150px;overflow:hidden}.t svg{width:200px;height:150px}</style>"
                    + tiles, encoding="utf-8")  # fmt: skip
    cols, rows = 6, -(-len(ids) // 6)
    shot = tmp_path / "tiles.png"
    chromium(tmp_path, f"--screenshot={shot}", f"--window-size={cols * 200},{rows * 150}", page.as_uri())
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert image.size == (cols * 200, rows * 150)
    for k, i in enumerate(ids):
        x, y = (k % cols) * 200, (k // cols) * 150
        tile = image.crop((x, y, x + 200, y + 150))
        colours = tile.getcolors(maxcolors=200 * 150)
        inked = sum(n for n, c in colours if c != (255, 255, 255))
        assert len(colours) >= 3 and inked >= 0.03 * 200 * 150, f"{i}: {len(colours)} colours, {inked} inked pixels"

    # The report page itself: a screenshot that is not blank.
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", path.as_uri())
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1200 * 2000)
    assert len(colours) > 50 and sum(n for n, c in colours if c != (255, 255, 255)) > 0.03 * 1200 * 2000


def test_report_is_written_atomically(tmp_path):
    target = tmp_path / "r.html"
    target.write_text("old")
    html_report.write([verify.run("kv_cache_memory", figures=True)], target)
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temp file left behind



def test_odd_figures_still_give_an_svg():
    sys.path.insert(0, str(Path(__file__).parent))
    from test_figures_render import HOSTILE

    for f in HOSTILE:
        svg = html_report.svg(f, "zh", f"fig-{f.id}")
        assert svg.startswith(f'<svg id="fig-{f.id}"') and svg.rstrip().endswith("</svg>")
