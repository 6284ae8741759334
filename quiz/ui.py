"""Everything rich: panels, tables and prompts. No decisions are made here."""

from __future__ import annotations

import time
from datetime import datetime

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import clock, i18n
from .bank import Bank, Question
from .cards import Presented
from .safe_text import clean
from .session import Item, Summary

RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}
RATING_NAME = i18n.RATING_NAME
TYPE_LABEL = {ty: i18n.t(f"type.{ty}", "en") for ty in ("flashcard", "mcq", "numeric", "cloze", "errata", "drill")}

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class Prose:
    """Text that wraps like Chinese when it contains Chinese, like rich's Text otherwise; a prefix
    (a choice letter, a bullet) gets a hanging indent so wrapped lines stay aligned under the text."""

    def __init__(self, text: str, style: str = "", prefix: str = "", prefix_style: str = "bold"):
        self.text, self.style, self.prefix, self.prefix_style = printable(text), style, prefix, prefix_style

    def __rich_console__(self, console, options):
        from .wrap import HAS_CJK, wrap

        if not HAS_CJK.search(self.text) and not self.prefix:  # plain English: rich wraps it well
            yield Text(self.text, style=self.style)
            return
        indent = len(self.prefix)
        lines = []
        for paragraph in self.text.split("\n"):
            lines += wrap(paragraph, max(options.max_width - indent, 10), 0) if paragraph else [""]
        text = Text()
        for i, line in enumerate(lines):
            text.append(self.prefix if i == 0 else " " * indent, self.prefix_style if i == 0 else "")
            text.append(line + ("\n" if i < len(lines) - 1 else ""), self.style)
        yield text


def t(key: str, lang: str, **kw) -> str:
    """A UI string (quiz.i18n), made printable: on an ASCII stdout its Chinese degrades before rich measures it."""
    return printable(i18n.t(key, lang, **kw))


def plain(text: object, style: str = "") -> Text:
    """Bank, store or learner text as a rich Text: never read as markup, control characters removed."""
    return Text(printable(text), style=style)


def printable(text: object) -> str:
    """`clean(text)`, and on a stdout that is not UTF-8 (LC_ALL=C) what it cannot encode becomes `?`
    before rich measures it, so a Chinese character does not leave a table a column short."""
    text = clean(text)
    encoding = (console.encoding or "utf-8").lower().replace("-", "")
    if not encoding.startswith("utf"):
        try:
            text = text.encode(encoding, "replace").decode(encoding)
        except LookupError:
            pass
    return text


def prompt_text(prompt: str) -> Text:
    return Text.assemble((prompt, "bold"), " › ")


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    out, used = "", 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def header(item: Item, counts: tuple[int, int, int], title: str, lang: str = "en", width: int | None = None,
           cram: bool = False) -> Text:  # fmt: skip
    """The card's title line. What matters is never cut: the counters (done · due · new), the card type and the
    NEW / CRAM / FINAL / EARLY badge; the topic title is shortened first, then the stars go, then the counters get
    short."""
    q = item.question
    done, due, new = counts
    width = (console.width - 6) if width is None else width  # the panel's border, corners and padding
    badge = t("badge.cram", lang) if cram else t("badge.new", lang) if item.is_new else (
        t("badge.early", lang) if item.fill else t("badge.final", lang) if item.early else "")  # the plan's extras
    kind = t(f"type.{q.type}", lang)
    stars = "★" * q.difficulty + "☆" * (3 - q.difficulty)
    for counters, with_stars in ((t("counts", lang, done=done, due=due, new=new), True),
                                 (t("counts", lang, done=done, due=due, new=new), False),
                                 (t("counts.short", lang, done=done, due=due, new=new), False)):  # fmt: skip
        fixed = f" · {kind}" + (f" · {stars}" if with_stars else "") + f"   {counters}" + (f"  {badge}" if badge else "")
        room = width - cell_len(fixed)
        if room >= min(cell_len(title), 6):
            break
    h = Text()
    h.append(_fit(printable(title), max(room, 1)), style="bold")
    h.append(f" · {kind}", style="dim")
    if with_stars:
        h.append(" · ", style="dim")
        h.append(stars, style="yellow")
    h.append(f"   {counters}", style="dim")
    if badge:
        h.append(f"  {badge}", style="bold magenta" if item.is_new and not cram else "bold cyan")
    return h


def question_body(p: Presented) -> list:
    """The prompt and the lettered choices, as both the study card and the exam show them."""
    return [Prose(p.prompt)] + [Prose(choice, prefix=f"  {chr(97 + i)}) ") for i, choice in enumerate(p.choices)]


class AtWidth:
    """A renderable built for the width it is drawn at (a panel title that must fit its border)."""

    def __init__(self, build):
        self.build = build

    def __rich_console__(self, console, options):
        yield self.build(options.max_width)


def card_panel(p: Presented, item: Item, counts: tuple[int, int, int], bank: Bank, cram: bool = False) -> AtWidth:
    title = bank.titles[p.question.topic].get(p.lang) if p.question.topic in bank.titles else p.question.topic
    body = question_body(p)
    if item.changed:
        body.insert(0, Text(f"({t('changed', p.lang)})", style="italic yellow"))
    return AtWidth(lambda width: Panel(
        Group(*body), title=header(item, counts, title, p.lang, width=width - 6, cram=cram), title_align="left",
        subtitle=plain(p.question.id), subtitle_align="right", border_style="blue", padding=(1, 2)))  # fmt: skip


def numeric_hint(p: Presented) -> str:
    """How a numeric card is graded, shown before answering: "in parameters · graded within ±3%"."""
    parts = []
    if p.unit:
        parts.append(t("number.unit", p.lang, unit=i18n.unit(p.unit, p.lang)))
    if p.exact:
        parts.append(t("number.exact", p.lang))
    else:
        parts.append(t("number.within", p.lang, pct=f"{p.tolerance * 100:g}%"))
        if p.about:
            parts.append(t("number.about", p.lang))
    return " · ".join(parts)


def answer_panel(p: Presented, correct: bool | None, given: str | list[str] | None) -> Panel:
    lang = p.lang
    body: list = []
    if correct is not None:
        verdict = Text(t("right" if correct else "wrong", lang), style="bold green" if correct else "bold red")
        if isinstance(given, str) and p.question.type == "numeric":
            you = t("you", lang, given=printable(given))
            verdict.append(f"  ({you})" if lang == "en" else f"（{you}）", style="dim")
        body.append(verdict)
    if p.question.type == "cloze" and isinstance(given, list):
        from .cards import grade_gaps

        for i, (ok, alts) in enumerate(zip(grade_gaps(p, given), p.gaps, strict=True)):
            typed = printable(given[i]) if i < len(given) else ""
            row = Text(f"  [{i + 1}] ")
            row.append("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
            row.append(typed if typed else t("empty", lang), style="" if typed else "dim italic")
            if not ok:
                row.append(f"   {t('accepted', lang, answer=printable(alts[0]) if alts else '')}", style="green")
            body.append(row)
    for i, choice in enumerate(map(printable, p.choices)):
        if i == p.correct_index:
            body.append(Text(f"  {chr(97 + i)}) {choice}  ✓", style="bold green"))
        elif isinstance(given, str) and given.lower() == chr(97 + i):
            body.append(Text(f"  {chr(97 + i)}) {choice}  ✗", style="red"))
        else:
            body.append(Text(f"  {chr(97 + i)}) {choice}", style="dim"))
    if p.answer:
        body.append(Prose(p.answer))
    return Panel(Group(*body), border_style="green" if correct is not False else "red", padding=(1, 2))


def rating_bar(intervals: dict[int, str], lang: str, proposed: int) -> Text:
    bar = Text()
    for r, interval in intervals.items():
        style = RATING_STYLE[r] + (" bold reverse" if r == proposed else "")
        bar.append(f" {r} {RATING_NAME[lang][r]} ", style=style)
        bar.append(f"{i18n.interval(interval, lang)}  ", style="dim")
    return bar


def explanation_panel(q: Question, lang: str, in_session: bool = True) -> Panel:
    body: list = []
    if q.explanation:
        body.append(Prose(q.explanation.get(lang)))
    if q.sources:
        body.append(Text(t("sources", lang), style="bold"))
        body += [Prose(format_source(s, lang), prefix="  • ", prefix_style="") for s in q.sources]
    if q.verifier:
        body.append(plain(t("verifier.press" if in_session else "verifier.run", lang, name=q.verifier), style="dim"))
    return Panel(Group(*body) if body else Text(t("no_explanation", lang)), border_style="cyan",
                 title=t("explanation", lang), title_align="left")  # fmt: skip


def format_source(s: dict, lang: str = "en") -> str:
    colon = "：" if lang == "zh" else ": "
    if "post" in s:
        section = f" § {s['section']}" if s.get("section") else ""
        return t("source.post", lang, post=s["post"]) + section
    if "paper" in s:
        where = s.get("where")
        return t("source.paper", lang, paper=s["paper"]) + ((("，" if lang == "zh" else ", ") + where) if where else "")
    return f"{s.get('title', '')}{colon if s.get('title') else ''}<{s['url']}>".strip()


VERIFY_WORDS = {
    "en": {"check": "check", "measured": "measured", "expected": "expected", "tolerance": "tol",
           "result": "result", "PASS": "PASS", "FAIL": "FAIL", "raised": "raised", "figure_error": "figure failed"},
    "zh": {"check": "检查", "measured": "测量值", "expected": "期望值", "tolerance": "容差", "result": "结果",
           "PASS": "通过", "FAIL": "失败", "raised": "出错", "figure_error": "图未能生成"},
}  # fmt: skip


class VerifyReport:
    """Verifier results that read at any width: per verifier a header line (verdict, name, seconds once),
    the claim above the checks (wrapped; when `compact`, on the header line cut with …), then one row per check.
    Check names are never broken: when the columns do not fit beside the longest name, each check takes
    two lines (the name, then the numbers); only a name longer than the whole width is folded, at its
    underscores. `plot` draws each verifier's figures under its checks."""

    def __init__(self, results: list, lang: str = "en", compact: bool = False, highlight: str | None = None,
                 plot: bool = False, names: bool = True, max_figures: int | None = None):
        self.results, self.lang, self.compact, self.highlight = results, lang, compact, highlight
        self.plot, self.names, self.max_figures = plot, names, max_figures

    def __rich_console__(self, console, options):
        from rich.cells import cell_len

        from .verify import kit

        fmt, w = kit().fmt, VERIFY_WORDS[self.lang]
        width = options.max_width
        for n, r in enumerate(self.results):
            if n:
                yield Text("")
            verdict = w["PASS"] if r.passed else w["FAIL"]
            head = Text(no_wrap=True, overflow="ellipsis")
            if self.names:
                head.append(verdict, style="bold green" if r.passed else "bold red")
                head.append(f" {printable(r.name)}", style="bold")
                head.append(f" · {r.seconds:.2f} s", style="dim")
            if self.compact and r.claim:  # one line per verifier header: the claim cut with …
                head.append(("  " if self.names else "") + printable(r.claim), style="dim")
            if head:
                yield head
            if r.claim and not self.compact:
                yield Prose(printable(r.claim), style="italic")
            if r.error:
                yield Text.assemble((f"{w['raised']}: ", "bold red"), (printable(r.error), ""))
            rows = [(printable(c.name), c, fmt(c.measured), getattr(c, "relation", "≈"), fmt(c.expected),
                     fmt(c.tolerance) if getattr(c, "relation", "≈") == "≈" else "") for c in r.checks]  # fmt: skip
            if rows:
                yield from self._rows(rows, width, w, cell_len)
            if r.figure_error:
                yield Text.assemble((f"{w['figure_error']}: ", "yellow"), (printable(r.figure_error), "dim"))
            if self.plot:
                from .figures import render

                shown = r.figures[: self.max_figures]
                for f in shown:
                    yield Text("")
                    yield render(f, self.lang)
                if len(r.figures) > len(shown):
                    more = len(r.figures) - len(shown)
                    yield Text((f"还有 {more} 张图：" if self.lang == "zh" else f"{more} more figure{'s' * (more > 1)}: ")
                               + f"quiz verify {printable(r.name)} --plot", style="dim")

    def _rows(self, rows, width, w, cell_len):
        name_w = max(max(len(name) for name, *_ in rows), cell_len(w["check"]))
        cols = [("measured", 1), ("", 2), ("expected", 3), ("tolerance", 4)]
        widths = [max(max(cell_len(r[i + 1]) for r in rows), cell_len(w[key]) if key else 1) for key, i in cols]
        res_w = max(cell_len(w["PASS"]), cell_len(w["FAIL"]), cell_len(w["result"]))
        gap = 2 if 2 + name_w + 2 + sum(widths) + 2 * len(widths) + res_w <= width else 1  # tighter before stacking
        numbers_w = sum(widths) + gap * len(widths) + res_w
        wide = 2 + name_w + gap + numbers_w <= width
        indent = 2 if wide else min(4, max(width - numbers_w, 0))  # stacked: the numbers under the name
        head = Text(style="dim", no_wrap=True, overflow="crop")
        head.append(" " * indent)
        if wide:
            head.append(w["check"] + " " * (name_w - cell_len(w["check"]) + gap))
        for (key, _), cw in zip(cols, widths, strict=True):
            label = w[key] if key else ""
            head.append(" " * (cw - cell_len(label)) + label + " " * gap)
        head.append(w["result"])
        yield head
        for name, c, measured, relation, expected, tol in rows:
            style = "bold reverse" if c.name == self.highlight else ""
            verdict = (w["PASS"], "green") if c.passed else (w["FAIL"], "bold red")
            nums = Text("" if wide else " " * indent, no_wrap=True, overflow="crop")
            for value, cw in zip((measured, relation, expected, tol), widths, strict=True):
                nums.append(" " * (cw - cell_len(value)) + value + " " * gap)
            nums.append(*verdict)
            if wide:
                line = Text("  " + name + " " * (name_w - len(name) + gap), no_wrap=True, overflow="crop")
                line.append_text(nums)
                line.stylize(style)
                yield line
                continue
            fits = len(name) <= width - 2
            for part in fold_identifier(name, width - 2 if fits else width):
                yield Text(("  " if fits else "") + part, style=style or "bold", no_wrap=True, overflow="crop")
            nums.stylize(style)
            yield nums


def fold_identifier(name: str, width: int) -> list[str]:
    """Lines of at most `width` cells, broken only after an underscore (the whole name when it fits)."""
    if len(name) <= width:
        return [name]
    lines, line = [], ""
    for part in name.replace("_", "_\0").split("\0"):
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        while len(part) > width:  # a single word longer than the width: nothing else can be done
            lines.append(part[:width])
            part = part[width:]
        line += part
    return lines + ([line] if line else [])


def verify_table(results: list, lang: str = "en", plot: bool = False) -> VerifyReport:
    """All verifiers of a `quiz verify` run: one-line claims so each takes about one line per check + 2."""
    return VerifyReport(results, lang, compact=len(results) > 1, plot=plot)


def verifier_panel(result, highlight: str | None = None, lang: str = "en", draw: Presented | None = None) -> Panel:
    """A verifier's claim, checks and first figure; `highlight` marks the check a numeric card takes its answer from.
    The first figure only, so the checks and the figure share one 80x24 screen; a line names the rest. `draw`
    (a parametric card as shown) adds this draw's numbers and what the card's formula gives for them."""
    body: list = [VerifyReport([result], lang, highlight=highlight, plot=True, names=False, max_figures=1)]
    if draw is not None and draw.params:
        from .parametric import pretty

        values = ", ".join(f"{k} = {pretty(v)}" for k, v in draw.params)
        answer = pretty(draw.value) if draw.value is not None else "?"
        unit = f" {i18n.unit(draw.unit, lang)}" if draw.unit else ""
        body += [plain(t("verifier.draw", lang, values=values), style="bold"),
                 plain(t("verifier.formula", lang, answer=f"{draw.question.numeric.compute}() = {answer}{unit}"))]
    failed = "" if result.passed else f" · {VERIFY_WORDS[lang]['FAIL']}"
    return Panel(Group(*body), border_style="magenta",
                 title=plain(t("verifier.title", lang, name=result.name) + f" · {result.seconds:.2f} s{failed}"),
                 title_align="left")  # fmt: skip


def summary_panel(s: Summary, lang: str, width: int | None = None) -> AtWidth:
    if width is None:
        return AtWidth(lambda w: summary_panel(s, lang, w - 4))
    lines: list = [Text(t("done", lang, n=s.done))]
    if s.accuracy is not None:
        lines.append(Text(t("accuracy", lang, pct=f"{s.accuracy:.0%}", correct=s.correct, graded=s.graded)))
    lines.append(Text(t("time", lang, m=int(s.seconds // 60), s=int(s.seconds % 60))))
    if s.missed:
        from .ui_tables import list_prompt

        lines.append(Text(t("missed", lang)))
        for qid in s.missed:
            q = s.questions.get(qid) if s.questions else None
            prompt = " ".join(printable(list_prompt(q, lang)).split()) if q else ""  # cloze gaps as ____
            ref = f"（{qid}）" if lang == "zh" else f" ({qid})"
            shown = _fit(printable(f"{prompt}{ref}" if prompt else qid), width - 4)
            lines.append(Text.assemble(("  ✗ ", "red"), shown))
    if s.learning_later:
        lines.append(Text(t("learning_later", lang, n=s.learning_later)))
    if s.next_due:
        from datetime import timedelta

        from .scheduler import format_interval

        when = datetime.fromtimestamp(s.next_due).strftime("%Y-%m-%d %H:%M")
        wait = i18n.interval(format_interval(timedelta(seconds=s.next_due - clock.timestamp())), lang)
        lines.append(Text(t("next_due", lang, when=when, wait=wait)))
    return Panel(Group(*lines), title=t("summary", lang), title_align="left", border_style="blue")


def questions_sheet(questions: list[Question], lang: str):
    """`quiz list`: the id is the key; the prompt wraps; verifier, difficulty and type give way when narrow."""
    from .ui_tables import Col, Section, Sheet, list_prompt

    cols = [Col("id"), Col("type", drop=3), Col("diff", right=True, drop=2), Col("verifier", drop=1),
            Col("prompt", wrap=True)]  # fmt: skip
    rows = [[q.id, q.type, str(q.difficulty), q.verifier or "", list_prompt(q, lang)] for q in questions]
    return Sheet(f"{len(questions)} questions", cols, [Section(None, rows)], wrap_limit=90)


def questions_table(questions: list[Question], lang: str, width: int = 160):
    from .ui_tables import renderable

    return renderable(questions_sheet(questions, lang), width)


def question_panel(q: Question, lang: str) -> Panel:
    """`quiz show`: everything about one question. Nothing sits in the border but the id, so no width cuts it."""
    from .ui_tables import list_prompt

    body: list = [Prose(list_prompt(q, lang) if q.type == "cloze" else q.prompt.get(lang), style="bold")]
    for c in q.choices:
        body.append(Prose(c.text.get(lang), style="green" if c.correct else "", prefix=f"  {'✓' if c.correct else '·'} "))
    if q.type == "cloze":
        body.append(Prose(q.cloze_answer().get(lang), style="green"))
        accepted = "  ".join(f"[{i}] {' | '.join(alts)}" for i, alts in enumerate(q.gaps(lang), 1))
        body.append(plain(f"accepted: {accepted}", style="dim"))
    if q.answer and q.answer.get(lang):
        body.append(Prose(q.answer.get(lang)))
    if q.numeric:
        n = q.numeric
        from .parametric import pretty

        src = f"value {pretty(n.value)}" if n.value is not None and not n.compute else f"compute {n.compute}()"
        if n.value_from:
            src = f"value_from {n.value_from} = {pretty(n.value)}"
        unit = f", unit: {n.unit}" if n.unit else ""
        body.append(plain(f"{src}, graded within ±{n.tolerance * 100:g}%{unit}", style="dim"))
    if q.parametric:  # show one concrete draw, so a reader sees the numbers and the computed answer
        import random

        from .cards import present

        p = present(q, lang, random.Random(q.id))
        draw = ", ".join(f"{k} = {pretty(v)}" for k, v in p.params)
        example = Group(plain(f"example draw: {draw}", style="dim"), Prose(p.prompt), Prose(p.answer, style="green"))
        body.append(Panel(example, border_style="dim"))
    body.append(explanation_panel(q, lang, in_session=False))
    meta = f"{q.topic} · {q.type} · difficulty {q.difficulty} · tags: {', '.join(q.tags) or '-'} · {q.path}:{q.line}"
    body.append(Prose(meta, style="dim"))
    return Panel(Group(*body), title=plain(q.id), title_align="left")


def topics_sheet(rows: list[tuple[str, str, dict[str, int], int, bool]], types: tuple[str, ...]):
    """`quiz topics`: topics from the posts first, then the ones beyond them (no question cites a post)."""
    from .ui_tables import Col, Section, Sheet

    cols = [Col("topic"), *[Col(ty, right=True) for ty in types], Col("proven", right=True),
            Col("total", right=True, style="bold"), Col("title", wrap=True, drop=1)]  # fmt: skip
    posts, beyond = Section("from the posts"), Section("beyond the posts")
    totals = [0] * (len(types) + 2)
    for topic, title, counts, verified, from_posts in rows:
        numbers = [counts.get(ty, 0) for ty in types] + [verified, sum(counts.values())]
        totals = [a + b for a, b in zip(totals, numbers, strict=True)]
        (posts if from_posts else beyond).rows.append([topic, *map(str, numbers), title])
    footer = Section(None, [["all", *map(str, totals), ""]])
    return Sheet("coverage by topic", cols, [s for s in (posts, beyond) if s.rows] + [footer], group="source")


def topics_table(rows: list[tuple[str, str, dict[str, int], int, bool]], types: tuple[str, ...], width: int = 160):
    from .ui_tables import renderable

    return renderable(topics_sheet(rows, types), width)


def countdown(deadline: float | None, lang: str) -> str:
    if deadline is None:
        return ""
    left = max(int(deadline - time.monotonic() + 0.999), 0)
    return t("exam.left", lang, clock=f"{left // 60}:{left % 60:02d}")


def exam_panel(p: Presented, number: int, total: int, deadline: float | None) -> Panel:
    body = question_body(p)
    left = f" · {countdown(deadline, p.lang)}" if deadline else ""
    return Panel(Group(*body), title=t("exam.title", p.lang, n=number, total=total) + left, title_align="left",
                 subtitle=plain(p.question.topic), subtitle_align="right", border_style="magenta",
                 padding=(1, 2))  # fmt: skip


def exam_report_panel(report, seconds: float, lang: str) -> Panel:
    table = Table(box=None)
    table.add_column(t("exam.topic", lang))
    table.add_column(t("exam.col_score", lang), justify="right")
    for topic, (correct, asked) in sorted(report.by_topic.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        table.add_row(plain(topic), f"{correct}/{asked}")
    head = Text(t("exam.score", lang, correct=report.correct, asked=report.asked, m=int(seconds // 60),
                  s=int(seconds % 60)), style="bold")  # fmt: skip
    body: list = [head, table]
    unanswered = list(getattr(report, "unanswered", []))
    wrong = [qid for qid in report.missed if qid not in unanswered]
    gap, comma = ("", "、") if lang == "zh" else (" ", ", ")  # no space after a full-width colon
    if wrong:
        body.append(plain(f"{t('exam.review', lang)}{gap}" + comma.join(wrong), style="yellow"))
    if unanswered:
        body.append(plain(f"{t('exam.unanswered', lang)}{gap}" + comma.join(unanswered), style="yellow"))
    return Panel(Group(*body), title=t("exam.result", lang), title_align="left", border_style="magenta")


def parameters_table(old: tuple[float, ...], new: tuple[float, ...]) -> Table:
    table = Table(title="FSRS parameters", title_justify="left")
    for col in ("w", "default", "fitted", "change"):
        table.add_column(col, justify="right")
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        table.add_row(str(i), f"{a:.4f}", f"{b:.4f}", f"{b - a:+.4f}" if abs(b - a) > 5e-5 else "")
    return table


def stats_parts(s) -> list:
    """`quiz stats`: the per-topic table, the due forecast and a few lines (Sheets and strings, for ui_tables.emit)."""
    from .ui_tables import Col, Section, Sheet

    cols = [Col("topic"), *[Col(c, right=True) for c in ("questions", "seen", "due now", "reviews", "lapses", "accuracy")]]
    rows = [[t.topic, str(t.questions), str(t.seen), str(t.due), str(t.reviews), str(t.lapses),
             f"{t.accuracy:.0%}" if t.accuracy is not None else "-"] for t in s.topics]  # fmt: skip
    progress = Sheet(f"progress · {s.total_reviews} reviews", cols, [Section(None, rows)], plain_title=True)
    peak = max((n for _, n in s.forecast), default=0) or 1
    forecast = Sheet("due forecast", [Col("day"), Col("cards", right=True), Col("", visual=True)],
                     [Section(None, [[day, str(n), "█" * round(20 * n / peak)] for day, n in s.forecast])],
                     plain_title=True)  # fmt: skip
    lines = [
        f"True retention (30 days): {s.retention:.0%} of {s.retention_reviews} reviews" if s.retention is not None
        else "True retention: no reviews of mature cards yet",
        f"Streak: {s.streak_days} day{'s' if s.streak_days != 1 else ''}",
    ]  # fmt: skip
    drills = s.extra.get("drills") if isinstance(s.extra, dict) else None
    if drills:
        lines.append("Drills per topic (passed/tried/total): "
                     + " · ".join(f"{topic} {d['passed']}/{d['tried']}/{d['drills']}" for topic, d in drills.items()))
    if s.leeches:
        lines.append("Leeches (forgotten 8+ times; rewrite or split them): "
                     + ", ".join(f"{q} ({n})" for q, n in s.leeches))  # fmt: skip
    return [progress, forecast, "\n".join(lines)]


def stats_view(s, width: int = 160) -> Group:
    from .ui_tables import Sheet, renderable

    return Group(*[renderable(p, width) if isinstance(p, Sheet) else plain(p) for p in stats_parts(s)])

def welcome_panel(home, lang: str) -> Panel:
    """Shown once, before the first card: what the tool is, the keys, where progress lives."""
    return Panel(Prose(t("welcome", lang, home=str(home))), title=t("welcome.title", lang), title_align="left",
                 border_style="green", padding=(0, 1))  # fmt: skip
