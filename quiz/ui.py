"""Everything rich: panels, tables and prompts. No decisions are made here."""

from __future__ import annotations

import time
from datetime import datetime

from rich.cells import cell_len
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import clock, i18n
from .bank import Bank, Question
from .cards import Presented
from .session import Item, Summary

RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}
RATING_NAME = i18n.RATING_NAME
TYPE_LABEL = {ty: i18n.t(f"type.{ty}", "en") for ty in ("flashcard", "mcq", "numeric", "cloze", "errata")}

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class Prose:
    """Text that wraps like Chinese when it contains Chinese, like rich's Text otherwise; a prefix
    (a choice letter, a bullet) gets a hanging indent so wrapped lines stay aligned under the text."""

    def __init__(self, text: str, style: str = "", prefix: str = "", prefix_style: str = "bold"):
        self.text, self.style, self.prefix, self.prefix_style = text, style, prefix, prefix_style

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
    return i18n.t(key, lang, **kw)


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
    """The card's title line. What matters is never cut: the counters (done · due · new), the card type and
    the NEW / CRAM badge; the topic title is shortened first, then the stars go, then the counters get short."""
    q = item.question
    done, due, new = counts
    width = (console.width - 6) if width is None else width  # the panel's border, corners and padding
    badge = t("badge.cram", lang) if cram else (t("badge.new", lang) if item.is_new else "")
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
    h.append(_fit(title, max(room, 1)), style="bold")
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
        subtitle=p.question.id, subtitle_align="right", border_style="blue", padding=(1, 2)))  # fmt: skip


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
            verdict.append(f"  ({t('you', lang, given=given)})" if lang == "en" else f"（{t('you', lang, given=given)}）",
                           style="dim")  # fmt: skip
        body.append(verdict)
    if p.question.type == "cloze" and isinstance(given, list):
        from .cards import grade_gaps

        for i, (ok, alts) in enumerate(zip(grade_gaps(p, given), p.gaps, strict=True)):
            typed = given[i] if i < len(given) else ""
            row = Text(f"  [{i + 1}] ")
            row.append("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
            row.append(typed if typed else t("empty", lang), style="" if typed else "dim italic")
            if not ok:
                row.append(f"   {t('accepted', lang, answer=alts[0] if alts else '')}", style="green")
            body.append(row)
    for i, choice in enumerate(p.choices):
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
        body.append(Text(t("verifier.press" if in_session else "verifier.run", lang, name=q.verifier), style="dim"))
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


def verify_table(results: list, show_verifier: bool = True, highlight: str | None = None, lang: str = "en") -> Table:
    """measured ≈/=/≤/≥ expected: the relation each check asserts, so a bound never reads as a mismatch."""
    from .verify import kit

    fmt = kit().fmt  # the same number format as `python verifiers/<name>.py`
    table = Table(show_lines=False, title_justify="left")
    if show_verifier:
        table.add_column("verifier", overflow="fold")
    table.add_column(t("col.check", lang), overflow="fold")
    for col in ("col.measured", "", "col.expected", "col.tolerance", "col.result", "col.seconds"):
        table.add_column(t(col, lang) if col else "", justify="center" if col in ("", "col.result") else "right",
                         no_wrap=True)  # fmt: skip
    ok, bad = f"[green]{t('pass', lang)}[/]", f"[bold red]{t('fail', lang)}[/]"
    for r in results:
        lead = [Text.assemble((r.name, "bold"), "\n", (r.claim, "dim"))] if show_verifier else []
        if r.error:
            table.add_row(*lead, f"[red]{t('raised', lang)}[/]", escape(r.error), "", "", "", bad, f"{r.seconds:.2f}")
        for i, c in enumerate(r.checks):
            relation = getattr(c, "relation", "≈")
            table.add_row(
                *((lead if i == 0 else [""]) if show_verifier else []), c.name, fmt(c.measured), relation,
                fmt(c.expected), fmt(c.tolerance) if relation == "≈" else "",
                ok if c.passed else bad, f"{r.seconds:.2f}" if i == 0 else "",
                style="bold reverse" if c.name == highlight else None,
            )  # fmt: skip
        table.add_section()
    return table


def verifier_panel(result, highlight: str | None = None, lang: str = "en", draw: Presented | None = None) -> Panel:
    """A verifier's claim and checks; `highlight` marks the check a numeric card takes its answer from; `draw`
    (a parametric card as shown) adds this draw's numbers and what the card's formula gives for them."""
    body: list = [Text(result.claim, style="italic"), verify_table([result], False, highlight, lang)]
    if draw is not None and draw.params:
        from .parametric import pretty

        values = ", ".join(f"{k} = {pretty(v)}" for k, v in draw.params)
        answer = pretty(draw.value) if draw.value is not None else "?"
        unit = f" {i18n.unit(draw.unit, lang)}" if draw.unit else ""
        body += [Text(t("verifier.draw", lang, values=values), style="bold"),
                 Text(t("verifier.formula", lang, answer=f"{draw.question.numeric.compute}() = {answer}{unit}"))]
    return Panel(Group(*body), border_style="magenta", title=t("verifier.title", lang, name=result.name),
                 title_align="left")  # fmt: skip


def summary_panel(s: Summary, lang: str, width: int | None = None) -> AtWidth:
    if width is None:
        return AtWidth(lambda w: summary_panel(s, lang, w - 4))
    lines: list = [Text(t("done", lang, n=s.done))]
    if s.accuracy is not None:
        lines.append(Text(t("accuracy", lang, pct=f"{s.accuracy:.0%}", correct=s.correct, graded=s.graded)))
    lines.append(Text(t("time", lang, m=int(s.seconds // 60), s=int(s.seconds % 60))))
    if s.missed:
        lines.append(Text(t("missed", lang)))
        for qid in s.missed:
            q = s.questions.get(qid) if s.questions else None
            prompt = " ".join(q.prompt.get(lang).split()) if q else ""
            ref = f"（{qid}）" if lang == "zh" else f" ({qid})"
            shown = _fit(f"{prompt}{ref}" if prompt else qid, width - 4)
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


def questions_table(questions: list[Question], lang: str) -> Table:
    table = Table(title=f"{len(questions)} questions", title_justify="left")
    for col in ("id", "type", "diff", "verifier", "prompt"):
        table.add_column(col, overflow="fold" if col == "prompt" else "ellipsis", no_wrap=col != "prompt")
    for q in questions:
        prompt = q.prompt.get(lang).replace("\n", " ")
        table.add_row(q.id, q.type, str(q.difficulty), q.verifier or "", prompt[:90] + ("…" if len(prompt) > 90 else ""))
    return table


def question_panel(q: Question, lang: str) -> Panel:
    body: list = [Prose(q.prompt.get(lang), style="bold")]
    for c in q.choices:
        body.append(Prose(c.text.get(lang), style="green" if c.correct else "", prefix=f"  {'✓' if c.correct else '·'} "))
    if q.answer and q.answer.get(lang):
        body.append(Prose(q.answer.get(lang)))
    if q.numeric:
        n = q.numeric
        from .parametric import pretty

        src = f"value {pretty(n.value)}" if n.value is not None and not n.compute else f"compute {n.compute}()"
        if n.value_from:
            src = f"value_from {n.value_from} = {pretty(n.value)}"
        unit = f", unit: {n.unit}" if n.unit else ""
        body.append(Text(f"{src}, graded within ±{n.tolerance * 100:g}%{unit}", style="dim"))
    if q.parametric:  # show one concrete draw, so a reader sees the numbers and the computed answer
        import random

        from .cards import present

        p = present(q, lang, random.Random(q.id))
        draw = ", ".join(f"{k} = {pretty(v)}" for k, v in p.params)
        body.append(Panel(Group(Prose(p.prompt), Prose(p.answer, style="green")), border_style="dim",
                          title=f"example draw: {draw}", title_align="left"))  # fmt: skip
    body.append(explanation_panel(q, lang, in_session=False))
    meta = f"{q.topic} · {q.type} · difficulty {q.difficulty} · tags: {', '.join(q.tags) or '-'} · {q.path}:{q.line}"
    return Panel(Group(*body), title=q.id, title_align="left", subtitle=meta, subtitle_align="left")


def topics_table(rows: list[tuple[str, str, dict[str, int], int]], types: tuple[str, ...]) -> Table:
    table = Table(title="coverage by topic", title_justify="left")
    table.add_column("topic", no_wrap=True)
    for ty in types:
        table.add_column(ty, justify="right", min_width=len(ty))
    table.add_column("proven", justify="right", min_width=6)
    table.add_column("total", justify="right", style="bold", min_width=5)
    totals = {ty: 0 for ty in types}
    verified_total = 0
    for topic, _title, counts, verified in rows:
        total = sum(counts.values())
        for ty in types:
            totals[ty] += counts.get(ty, 0)
        verified_total += verified
        table.add_row(topic, *[str(counts.get(ty, 0)) for ty in types], str(verified), str(total))
    table.add_section()
    table.add_row("all", *[str(totals[ty]) for ty in types], str(verified_total), str(sum(totals.values())))
    return table


def countdown(deadline: float | None, lang: str) -> str:
    if deadline is None:
        return ""
    left = max(int(deadline - time.monotonic() + 0.999), 0)
    return t("exam.left", lang, clock=f"{left // 60}:{left % 60:02d}")


def exam_panel(p: Presented, number: int, total: int, deadline: float | None) -> Panel:
    body = question_body(p)
    left = f" · {countdown(deadline, p.lang)}" if deadline else ""
    return Panel(Group(*body), title=t("exam.title", p.lang, n=number, total=total) + left, title_align="left",
                 subtitle=p.question.topic, subtitle_align="right", border_style="magenta", padding=(1, 2))  # fmt: skip


def exam_report_panel(report, seconds: float, lang: str) -> Panel:
    table = Table(box=None)
    table.add_column(t("exam.topic", lang))
    table.add_column(t("exam.col_score", lang), justify="right")
    for topic, (correct, asked) in sorted(report.by_topic.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        table.add_row(topic, f"{correct}/{asked}")
    head = Text(t("exam.score", lang, correct=report.correct, asked=report.asked, m=int(seconds // 60),
                  s=int(seconds % 60)), style="bold")  # fmt: skip
    body: list = [head, table]
    unanswered = list(getattr(report, "unanswered", []))
    wrong = [qid for qid in report.missed if qid not in unanswered]
    gap, comma = ("", "、") if lang == "zh" else (" ", ", ")  # no space after a full-width colon
    if wrong:
        body.append(Text(f"{t('exam.review', lang)}{gap}" + comma.join(wrong), style="yellow"))
    if unanswered:
        body.append(Text(f"{t('exam.unanswered', lang)}{gap}" + comma.join(unanswered), style="yellow"))
    return Panel(Group(*body), title=t("exam.result", lang), title_align="left", border_style="magenta")


def parameters_table(old: tuple[float, ...], new: tuple[float, ...]) -> Table:
    table = Table(title="FSRS parameters", title_justify="left")
    for col in ("w", "default", "fitted", "change"):
        table.add_column(col, justify="right")
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        table.add_row(str(i), f"{a:.4f}", f"{b:.4f}", f"{b - a:+.4f}" if abs(b - a) > 5e-5 else "")
    return table


def stats_view(s) -> Group:
    table = Table(title=f"progress · {s.total_reviews} reviews", title_justify="left")
    for col in ("topic", "questions", "seen", "due now", "reviews", "lapses", "accuracy"):
        table.add_column(col, justify="left" if col == "topic" else "right")
    for t in s.topics:
        acc = f"{t.accuracy:.0%}" if t.accuracy is not None else "-"
        table.add_row(t.topic, str(t.questions), str(t.seen), str(t.due), str(t.reviews), str(t.lapses), acc)
    peak = max((n for _, n in s.forecast), default=0) or 1
    forecast = Table(title="due forecast", title_justify="left", box=None)
    forecast.add_column("day")
    forecast.add_column("cards", justify="right")
    forecast.add_column("")
    for day, n in s.forecast:
        forecast.add_row(day, str(n), "█" * round(20 * n / peak))
    lines = [
        f"True retention (30 days): {s.retention:.0%} of {s.retention_reviews} reviews" if s.retention is not None
        else "True retention: no reviews of mature cards yet",
        f"Streak: {s.streak_days} day{'s' if s.streak_days != 1 else ''}",
    ]  # fmt: skip
    if s.leeches:
        lines.append("Leeches (forgotten 8+ times; rewrite or split them): "
                     + ", ".join(f"{q} ({n})" for q, n in s.leeches))  # fmt: skip
    return Group(table, forecast, Text("\n".join(lines)))


def welcome_panel(home, lang: str) -> Panel:
    """Shown once, before the first card: what the tool is, the keys, where progress lives."""
    return Panel(Prose(t("welcome", lang, home=str(home))), title=t("welcome.title", lang), title_align="left",
                 border_style="green", padding=(0, 1))  # fmt: skip
