"""`quiz verify --html FILE`: one self-contained, offline HTML report of verifier results.

A section per verifier with its claim, its checks and its figures as inline SVG drawn by matplotlib (the
optional `html` extra; imported only here). No scripts, no external files, no network: it opens from disk.
The bytes are deterministic for the same results and matplotlib version: a fixed svg.hashsalt, no dates
(savefig(metadata={"Date": None})), text kept as SVG text (svg.fonttype "none", which also keeps the file
small and lets the browser's fonts draw Chinese), and no timings in the page.
"""

from __future__ import annotations

import html
import io
import math
import re
import warnings

from .errors import QuizError

MISSING = "the HTML report needs matplotlib: pip install 'quiz[html]' (or pip install matplotlib)"
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
WORDS = {
    "en": {"title": "quiz: verifier report", "passed": "verifiers passed", "check": "check", "measured": "measured",
           "expected": "expected", "tolerance": "tolerance", "result": "result", "PASS": "PASS", "FAIL": "FAIL",
           "raised": "raised", "rows": "rows", "columns": "columns", "figures": "figures",
           "figure_error": "figure failed", "seed": "seed"},
    "zh": {"title": "quiz：验证报告", "passed": "个验证通过", "check": "检查", "measured": "测量值", "expected": "期望值",
           "tolerance": "容差", "result": "结果", "PASS": "通过", "FAIL": "失败", "raised": "出错", "rows": "行",
           "columns": "列", "figures": "图", "figure_error": "图未能生成", "seed": "随机种子"},
}  # fmt: skip
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;
max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.5rem;border-bottom:1px solid #ddd}
.pass{color:#137a13}.fail{color:#b00020}.claim{font-style:italic}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
td,th{padding:.15rem .6rem;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left;font-family:ui-monospace,monospace}
td:last-child{color:#137a13}tr.fail td{color:#b00020}
svg text{font-family:"DejaVu Sans",system-ui,sans-serif}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#555}
nav{display:flex;flex-wrap:wrap;gap:.2rem .7rem;font-size:.85rem}
"""


def require() -> None:
    """One actionable line when the optional extra is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise QuizError(MISSING) from None


def _pyplot():
    require()
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({
        "svg.hashsalt": "quiz-verify-report",  # ids derived from content, not from random numbers
        "svg.fonttype": "none",  # text stays text: small files, the browser draws CJK
        "font.family": ["DejaVu Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": True,
    })  # fmt: skip
    return plt


def _t(en: str, zh: str, lang: str) -> str:
    return zh if lang == "zh" and zh else en


def _label(axis, lang: str) -> str:
    name = _t(axis.name, axis.name_zh, lang)
    return f"{name} ({axis.unit})" if axis.unit else name


def _cell(v) -> str:
    if v is None:
        return "·"
    if v == int(v) and abs(v) < 1e4:
        return str(int(v))
    return f"{v:.2f}" if 0.01 <= abs(v) < 100 else f"{v:.1e}"


def _draw(ax, f, lang: str) -> None:
    if f.kind == "line":
        for i, s in enumerate(f.series):
            many = len(s.x) > 16
            ax.plot(s.x, s.y, color=COLORS[i % len(COLORS)], marker=None if many else "o", markersize=3,
                    linewidth=1.5, label=_t(s.name, s.name_zh, lang))
        if f.x.log:
            ax.set_xscale("log", base=2 if all(x > 0 and math.log2(x).is_integer() for s in f.series for x in s.x)
                          else 10)  # fmt: skip
        if f.y.log:
            ax.set_yscale("log")
        ax.legend(frameon=False, fontsize=8)
    elif f.kind == "bar":
        n = len(f.series)
        width = 0.8 / n
        for i, s in enumerate(f.series):
            xs = [x - 0.4 + width * (i + 0.5) for x in s.x]
            ax.bar(xs, s.y, width=width, color=COLORS[i % len(COLORS)], label=_t(s.name, s.name_zh, lang))
        ax.set_xticks(range(len(f.categories)), list(f.categories))
        if f.y.log:
            ax.set_yscale("log")
        if n > 1:
            ax.legend(frameon=False, fontsize=8)
    elif f.kind == "heatmap":
        import numpy as np

        if not f.matrix or not f.matrix[0]:
            ax.text(0.5, 0.5, "(empty)", ha="center", va="center", transform=ax.transAxes)
            return
        data = np.ma.masked_invalid(np.array([[math.nan if v is None else v for v in r] for r in f.matrix], float))
        cmap = _pyplot().get_cmap("viridis").with_extremes(bad="#eeeeee")
        lo, hi = (float(data.min()), float(data.max())) if data.count() else (0.0, 1.0)
        if hi == lo:  # one value everywhere (a mask of ones): draw it at the top of a 0..value scale
            lo, hi = min(lo, 0.0), max(hi, lo + 1.0) if lo <= 0 else hi
        im = ax.imshow(data, cmap=cmap, interpolation="none", aspect="equal", vmin=lo, vmax=hi)
        rows, cols = data.shape
        if rows <= 10 and cols <= 10:  # numbers in the cells while they stay legible (and the file small)
            for i in range(rows):
                for j in range(cols):
                    v = f.matrix[i][j]
                    if v is None:  # masked: the grey cell says it; no text keeps the file small
                        continue
                    light = v is not None and hi > lo and (v - lo) / (hi - lo) < 0.55
                    ax.text(j, i, _cell(v), ha="center", va="center", fontsize=7,
                            color="white" if light else "#333333")
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=_label(f.value, lang) if f.value else "")
        ax.spines[:].set_visible(False)
    ax.minorticks_off()  # log axes would carry dozens of unlabelled ticks: bytes, no information
    from matplotlib.ticker import FuncFormatter

    for axis, spec in ((ax.xaxis, f.x), (ax.yaxis, f.y)):
        if spec.log and f.kind != "heatmap":  # plain numbers, not mathtext 10^k: faster and smaller
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel(_label(f.x, lang))
    ax.set_ylabel(_label(f.y, lang))


def svg(f, lang: str = "en", element_id: str = "") -> str:
    """One figure as an <svg> element (no XML prolog), with `element_id` as its id."""
    plt = _pyplot()
    size = (4.6, 3.6) if f.kind == "heatmap" else (6.4, 3.4)
    fig, ax = plt.subplots(figsize=size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing CJK glyphs in the metric font: the browser draws the text
        _draw(ax, f, lang)
        # fixed margins: tight_layout costs a full extra draw per figure
        if f.kind == "heatmap":  # room on the right for the colour bar's ticks and label
            fig.subplots_adjust(left=0.12, right=0.80, bottom=0.14, top=0.97)
        else:
            fig.subplots_adjust(left=0.13, right=0.97, bottom=0.15, top=0.95)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = compact(text)
    if element_id:
        text = text.replace("<svg ", f'<svg id="{html.escape(element_id)}" role="img" ', 1)
    return text


def compact(text: str) -> str:
    """Smaller SVG, same drawing: no metadata or comments, coordinates to 0.1 pt, identity rotations and
    single-text groups dropped, the font left to the page's CSS, no indentation."""
    text = re.sub(r"<metadata>.*?</metadata>\s*|<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r'"[^"<>]*"', lambda m: re.sub(r"(\d+\.\d)\d+", r"\1", m.group(0)), text)
    text = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", text)
    text = text.replace(" font-family: 'DejaVu Sans';", "")
    text = re.sub(r'<g id="text_\d+">\s*(<text[^>]*>[^<]*</text>)\s*</g>', r"\1", text)
    text = re.sub(r'<g id="[^"]*">', "<g>", text)  # group ids are never referenced (clip paths and defs keep theirs)
    # tick marks repeat the style of the path they use
    text = re.sub(r'(<use xlink:href="#m[0-9a-f]+" x="[^"]*" y="[^"]*") style="stroke: #000000; stroke-width: 0.8"', r"\1",
                  text)  # fmt: skip
    text = re.sub(r"\n\s+", "\n", text)
    for _ in range(3):  # a group without attributes around one element draws the same without it
        text = re.sub(r"<g>\n(<[^<>]*/>)\n</g>", r"\1", text)
    text = re.sub(r' d="([^"]*)"', lambda m: ' d="' + " ".join(m.group(1).split()) + '"', text)  # one-line paths
    return text.replace(">\n<", "><")


def figure_id(verifier: str, figure) -> str:
    return f"fig-{verifier}-{figure.id}".replace("_", "-")


def report(results: list, lang: str = "en", seed: int = 0) -> str:
    """The whole page. `results`: verify.Result objects run with figures=True."""
    from .verify import kit

    fmt = kit().fmt
    w = WORDS[lang]
    e = html.escape
    passed = sum(r.passed for r in results)
    out = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>",
           '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(w['title'])}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{e(w['title'])}</h1>",
           f"<p>{passed}/{len(results)} {e(w['passed'])} · {e(w['seed'])} {seed}</p>",
           "<nav>" + "".join(f'<a href="#v-{e(r.name)}">{e(r.name)}</a>' for r in results) + "</nav>"]  # fmt: skip
    for r in results:
        verdict = f'<span class="{"pass" if r.passed else "fail"}">{e(w["PASS"] if r.passed else w["FAIL"])}</span>'
        out.append(f'<section id="v-{e(r.name)}">')
        out.append(f"<h2>{e(r.name)} {verdict}</h2>")
        if r.claim:
            out.append(f'<p class="claim">{e(r.claim)}</p>')
        if r.error:
            out.append(f'<p class="fail">{e(w["raised"])}: {e(r.error)}</p>')
        if r.checks:
            out.append("<table><thead><tr>" + "".join(f"<th>{e(w[k])}</th>" for k in
                       ("check", "measured", "expected", "tolerance", "result")) + "</tr></thead><tbody>")  # fmt: skip
            for c in r.checks:
                rel = getattr(c, "relation", "≈")
                tol = fmt(c.tolerance) if rel == "≈" else ""
                row = "<tr>" if c.passed else '<tr class="fail">'
                # HTML5 lets </td> and </tr> be implied: a tenth of the report's bytes for the same table
                out.append(f"{row}<td>{e(c.name)}<td>{e(fmt(c.measured))}<td>{e(rel)} {e(fmt(c.expected))}"
                           f"<td>{e(tol)}<td>{e(w['PASS'] if c.passed else w['FAIL'])}")
            out.append("</tbody></table>")
        if r.figure_error:
            out.append(f'<p class="fail">{e(w["figure_error"])}: {e(r.figure_error)}</p>')
        for f in r.figures:
            note = _t(f.note, f.note_zh, lang)
            out.append("<figure>")
            out.append(svg(f, lang, figure_id(r.name, f)))
            out.append(f"<figcaption><b>{e(_t(f.title, f.title_zh, lang))}</b>" + (f" — {e(note)}" if note else "")
                       + "</figcaption></figure>")  # fmt: skip
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write(results: list, path, lang: str = "en", seed: int = 0) -> int:
    """Write the report atomically (temp file + os.replace); returns its size in bytes."""
    import os
    from pathlib import Path

    data = report(results, lang, seed).encode("utf-8")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return len(data)
