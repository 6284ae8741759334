"""Everything rich: panels, tables and prompts. No decisions are made here."""

from __future__ import annotations

import time
from datetime import datetime

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import clock
from .bank import Bank, Question
from .cards import Presented
from .session import Item, Summary

TYPE_LABEL = {"flashcard": "flashcard", "mcq": "multiple choice", "numeric": "numeric", "cloze": "cloze",
              "errata": "spot the error", "drill": "coding drill"}  # fmt: skip
RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}
RATING_NAME = {"en": {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}, "zh": {1: "重来", 2: "困难", 3: "良好", 4: "简单"}}

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

T = {  # the few UI strings, in both languages
    "reveal": {"en": "Enter: show answer   q: quit", "zh": "回车：显示答案   q：退出"},
    "pick": {"en": "Press a letter   q: quit", "zh": "按字母选择   q：退出"},
    "number": {"en": "Your answer (e.g. 4096, 3.2e9, 7B, 12%), q to quit",
               "zh": "你的答案（如 4096、3.2e9、7B、12%），q 退出"},
    "gap": {"en": "Gap", "zh": "空"},
    "not_number": {"en": "Not a number; try 4096, 1,024, 3.2e9, 7B or 12%",
                   "zh": "不是数字；可以输入 4096、1,024、3.2e9、7B 或 12%"},
    "right": {"en": "Right", "zh": "正确"},
    "wrong": {"en": "Wrong", "zh": "错误"},
    "keys": {"en": "1-4 rate · Enter {proposed} · e explain · v verify · u undo · q quit",
             "zh": "1-4 评分 · 回车 {proposed} · e 解释 · v 验证 · u 撤销 · q 退出"},
    "drill_start": {"en": "Enter starts the drill (the stub opens in $VISUAL/$EDITOR if set; judged when you return)"
                          " · q quit",
                    "zh": "回车 开始练习（若设置了 $VISUAL/$EDITOR 会打开初始代码；返回后评测）· q 退出"},
    "self_grade": {"en": "Did you get it right? y / n", "zh": "答对了吗？y / n"},
    "changed": {"en": "edited since you last saw it", "zh": "自上次复习后题目有修改"},
}


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
    return T[key][lang].format(**kw)


def header(item: Item, counts: tuple[int, int, int], title: str) -> Text:
    q = item.question
    done, due, new = counts
    h = Text()
    h.append(f"{title}", style="bold")
    h.append(f" · {TYPE_LABEL[q.type]} · ", style="dim")
    h.append("★" * q.difficulty + "☆" * (3 - q.difficulty), style="yellow")
    h.append(f"   done {done} · due {due} · new {new}", style="dim")
    if item.is_new:
        h.append("  NEW", style="bold magenta")
    return h


def question_body(p: Presented) -> list:
    """The prompt and the lettered choices, as both the study card and the exam show them."""
    return [Prose(p.prompt)] + [Prose(choice, prefix=f"  {chr(97 + i)}) ") for i, choice in enumerate(p.choices)]


def card_panel(p: Presented, item: Item, counts: tuple[int, int, int], bank: Bank) -> Panel:
    title = bank.titles[p.question.topic].get(p.lang) if p.question.topic in bank.titles else p.question.topic
    body = question_body(p)
    if item.changed:
        body.insert(0, Text(f"({t('changed', p.lang)})", style="italic yellow"))
    return Panel(Group(*body), title=header(item, counts, title), title_align="left", subtitle=p.question.id,
                 subtitle_align="right", border_style="blue", padding=(1, 2))  # fmt: skip


def answer_panel(p: Presented, correct: bool | None, given: str | None) -> Panel:
    body: list = []
    if correct is not None:
        verdict = Text(t("right" if correct else "wrong", p.lang), style="bold green" if correct else "bold red")
        if given is not None and p.question.type != "mcq":
            verdict.append(f"  (you: {given})", style="dim")
        body.append(verdict)
    for i, choice in enumerate(p.choices):
        if i == p.correct_index:
            body.append(Text(f"  {chr(97 + i)}) {choice}  ✓", style="bold green"))
        elif given is not None and given.lower() == chr(97 + i):
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
        bar.append(f"{interval}  ", style="dim")
    return bar


def explanation_panel(q: Question, lang: str) -> Panel:
    body: list = []
    if q.explanation:
        body.append(Prose(q.explanation.get(lang)))
    if q.sources:
        body.append(Text("Sources" if lang == "en" else "来源", style="bold"))
        body += [Text(f"  • {format_source(s)}") for s in q.sources]
    if q.verifier:
        body.append(Text(f"Verifier: {q.verifier} (press v)", style="dim"))
    return Panel(Group(*body) if body else Text("No explanation for this card."), border_style="cyan",
                 title="explanation" if lang == "en" else "解释", title_align="left")  # fmt: skip


def format_source(s: dict) -> str:
    if "post" in s:
        return f"post: {s['post']} § {s.get('section', '')}".rstrip(" §")
    if "paper" in s:
        return f"paper: {s['paper']}" + (f", {s['where']}" if s.get("where") else "")
    return f"{s.get('title', '')} <{s['url']}>".strip()


def verify_table(results: list, show_verifier: bool = True, highlight: str | None = None) -> Table:
    """measured ≈/=/≤/≥ expected: the relation each check asserts, so a bound never reads as a mismatch."""
    from .verify import kit

    fmt = kit().fmt  # the same number format as `python verifiers/<name>.py`
    table = Table(show_lines=False, title_justify="left")
    if show_verifier:
        table.add_column("verifier", overflow="fold")
    table.add_column("check", overflow="fold")
    for col in ("measured", "", "expected", "tolerance", "result", "s"):
        table.add_column(col, justify="center" if col in ("", "result") else "right", no_wrap=True)
    for r in results:
        lead = [Text.assemble((r.name, "bold"), "\n", (r.claim, "dim"))] if show_verifier else []
        if r.error:
            table.add_row(*lead, "[red]raised[/]", escape(r.error), "", "", "", "[bold red]FAIL[/]", f"{r.seconds:.2f}")
        for i, c in enumerate(r.checks):
            relation = getattr(c, "relation", "≈")
            table.add_row(
                *((lead if i == 0 else [""]) if show_verifier else []), c.name, fmt(c.measured), relation,
                fmt(c.expected), fmt(c.tolerance) if relation == "≈" else "",
                "[green]PASS[/]" if c.passed else "[bold red]FAIL[/]", f"{r.seconds:.2f}" if i == 0 else "",
                style="bold reverse" if c.name == highlight else None,
            )  # fmt: skip
        table.add_section()
    return table


def verifier_panel(result, highlight: str | None = None) -> Panel:
    """A verifier's claim and checks; `highlight` marks the check a numeric card takes its answer from."""
    return Panel(Group(Text(result.claim, style="italic"), verify_table([result], False, highlight)),
                 border_style="magenta",
                 title=f"verifier {result.name}", title_align="left")  # fmt: skip


def summary_panel(s: Summary, lang: str) -> Panel:
    zh = lang == "zh"
    lines = [f"{'完成' if zh else 'Cards done'}: {s.done}"]
    if s.accuracy is not None:
        lines.append(f"{'正确率' if zh else 'Accuracy'}: {s.accuracy:.0%} ({s.correct}/{s.graded} auto-graded)")
    lines.append(f"{'用时' if zh else 'Time'}: {int(s.seconds // 60)}m {int(s.seconds % 60)}s")
    if s.missed:
        lines.append(f"{'答错' if zh else 'Missed'}: {', '.join(s.missed)}")
    if s.next_due:
        when = datetime.fromtimestamp(s.next_due).strftime("%Y-%m-%d %H:%M")
        wait = s.next_due - clock.timestamp()
        from datetime import timedelta

        from .scheduler import format_interval

        lines.append(f"{'下次到期' if zh else 'Next due'}: {when} (in {format_interval(timedelta(seconds=wait))})")
    return Panel("\n".join(lines), title="summary" if not zh else "小结", title_align="left", border_style="blue")


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
        src = f"value {n.value:g}" if n.value is not None and not n.compute else f"compute {n.compute}()"
        if n.value_from:
            src = f"value_from {n.value_from} = {n.value:g}"
        unit = f", unit: {n.unit}" if n.unit else ""
        body.append(Text(f"{src}, graded within ±{n.tolerance * 100:g}%{unit}", style="dim"))
    if q.parametric:  # show one concrete draw, so a reader sees the numbers and the computed answer
        import random

        from .cards import present

        p = present(q, lang, random.Random(q.id))
        draw = ", ".join(f"{k} = {v}" for k, v in p.params)
        body.append(Panel(Group(Prose(p.prompt), Prose(p.answer, style="green")), border_style="dim",
                          title=f"example draw: {draw}", title_align="left"))  # fmt: skip
    body.append(explanation_panel(q, lang))
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


def exam_panel(p: Presented, number: int, total: int, deadline: float | None) -> Panel:
    body = question_body(p)
    left = f" · {max(deadline - time.monotonic(), 0) / 60:.0f} min left" if deadline else ""
    return Panel(Group(*body), title=f"mock interview · question {number}/{total}{left}", title_align="left",
                 subtitle=p.question.topic, subtitle_align="right", border_style="magenta", padding=(1, 2))  # fmt: skip


def exam_report_panel(report, seconds: float, lang: str) -> Panel:
    table = Table(box=None)
    table.add_column("topic")
    table.add_column("score", justify="right")
    for topic, (correct, asked) in sorted(report.by_topic.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        table.add_row(topic, f"{correct}/{asked}")
    head = Text(f"{report.correct}/{report.asked} correct in {int(seconds // 60)}m {int(seconds % 60)}s",
                style="bold")  # fmt: skip
    body: list = [head, table]
    if report.missed:
        body.append(Text("Review these: " + ", ".join(report.missed) + "  (quiz show ID)", style="yellow"))
    return Panel(Group(*body), title="mock interview result" if lang == "en" else "模拟面试结果", title_align="left",
                 border_style="magenta")  # fmt: skip


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
    drills = s.extra.get("drills") if isinstance(s.extra, dict) else None
    if drills:
        lines.append("Drills per topic (passed/tried/total): "
                     + " · ".join(f"{topic} {d['passed']}/{d['tried']}/{d['drills']}" for topic, d in drills.items()))
    if s.leeches:
        lines.append("Leeches (forgotten 8+ times; rewrite or split them): "
                     + ", ".join(f"{q} ({n})" for q, n in s.leeches))  # fmt: skip
    return Group(table, forecast, Text("\n".join(lines)))
