"""Drills at the terminal: the prompt, the edit-judge loop, verdicts that teach, hints and the reference.

Used by `quiz drill NAME` and by drill cards in `quiz study` / `quiz exam`. The learner's code runs
only in the sandbox (quiz/sandbox.py); text from the learner or a drill is printed as data, never markup.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from . import drill_log, sandbox
from .drills import Drill
from .ui import Prose, console

T = {
    "file": {"en": "Your file: {path}", "zh": "你的文件：{path}"},
    "stub": {"en": "(the stub was written there)", "zh": "（已写入初始代码）"},
    "kept": {"en": "(your earlier work is kept; delete the file to start over)",
             "zh": "（保留了你之前的代码；删除文件可重新开始）"},
    "edit": {"en": "Edit the file and save it, then press Enter to judge · h hint · q quit",
             "zh": "编辑并保存文件，然后按回车评测 · h 提示 · q 退出"},
    "again": {"en": "Enter edit and judge again · h hint · r show the reference (counts as a fail) · q quit",
              "zh": "回车 再次编辑并评测 · h 提示 · r 查看参考答案（记为失败）· q 退出"},
    "again_exam": {"en": "Enter edit and judge again · q give up", "zh": "回车 再次编辑并评测 · q 放弃"},
    "again_plain": {"en": "Save your changes, then Enter judges again · h hint · r show the reference "
                          "(counts as a fail) · q quit",
                    "zh": "保存修改后按回车重新评测 · h 提示 · r 查看参考答案（记为失败）· q 退出"},
    "again_exam_plain": {"en": "Save your changes, then Enter judges again · q give up",
                         "zh": "保存修改后按回车重新评测 · q 放弃"},
    "no_hints": {"en": "No more hints.", "zh": "没有更多提示了。"},
    "judging": {"en": "judging {name} in a sandbox…", "zh": "正在沙箱中评测 {name}…"},
    "editor_failed": {"en": "The editor {editor!r} did not run ({why}); edit the file yourself.",
                      "zh": "编辑器 {editor!r} 无法运行（{why}）；请自行编辑文件。"},
    "hint": {"en": "Hint {n}/3", "zh": "提示 {n}/3"},
    "fix_hint": {"en": "How to fix {check}", "zh": "如何修正 {check}"},
    "banned": {"en": "Banned: {calls}", "zh": "禁止调用：{calls}"},
    "reference": {"en": "Reference solution (this attempt counts as a fail)", "zh": "参考答案（本次记为失败）"},
    "printed": {"en": "Your code printed:", "zh": "你的代码输出："},
}


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keep \t and \n; drop ESC and friends


def t(key: str, lang: str, **kw) -> str:
    return T[key][lang].format(**kw)


def clean(text: str) -> str:
    """The learner's output and error text as inert characters: no terminal control sequences."""
    return CONTROL.sub("", str(text))


def key(valid: set[str]) -> str:
    """One keypress from `valid` (Enter reads as "enter"), as in the study loop."""
    import click

    while True:
        ch = click.getchar()
        ch = "enter" if ch in ("\r", "\n") else ch.lower()
        if ch in valid:
            return ch


def prompt_panel(drill: Drill, lang: str) -> Panel:
    body: list = [Prose(drill.prompt.get(lang)), Text(drill.signature, style="bold cyan")]
    if drill.banned:
        body.append(Text(t("banned", lang, calls=", ".join(drill.banned)), style="dim"))
    return Panel(Group(*body), title=Text(drill.title.get(lang), style="bold"), title_align="left",
                 subtitle=drill.question_id, subtitle_align="right", border_style="blue", padding=(1, 2))  # fmt: skip


def verdict_panel(v: sandbox.Verdict, drill: Drill, lang: str) -> Panel:
    """PASS, or the first failed property by name, one small failing input with expected vs got, and the
    bilingual hint for that property. Never the reference."""
    body: list = [Text(clean(v.headline()), style="bold green" if v.passed else "bold red")]
    first = v.first_failure
    if not v.passed and first is not None:
        if first.get("example"):
            lines = clean(first["example"]).splitlines()[:20]
            body.append(Text("\n".join(lines), style="default"))
        failed = [c["name"] for c in v.checks if not c["passed"]]
        if len(failed) > 1:
            body.append(Text(f"also failing: {', '.join(failed[1:6])}" + (" …" if len(failed) > 6 else ""), style="dim"))
        hint = drill.hint_for(first["name"])
        if hint is not None:
            body.append(Text(t("fix_hint", lang, check=first["name"]) + ":", style="bold yellow"))
            body.append(Prose(hint.get(lang), style="yellow"))
    elif not v.passed and v.error:
        hint = drill.hint_for("no_banned_calls") if "banned" in v.error else None
        if hint is not None:
            body.append(Prose(hint.get(lang), style="yellow"))
    if v.stdout.strip():
        shown = clean("\n".join(v.stdout.strip().splitlines()[:10]))
        body.append(Text(t("printed", lang), style="dim"))
        body.append(Text(shown[:1200], style="dim"))
    return Panel(Group(*body), border_style="green" if v.passed else "red", padding=(0, 2),
                 subtitle=f"{v.seconds:.2f} s", subtitle_align="right")  # fmt: skip


def hint_panel(drill: Drill, n: int, lang: str) -> Panel:
    return Panel(Prose(drill.hints[n - 1].get(lang)), title=t("hint", lang, n=n), title_align="left",
                 border_style="yellow", padding=(0, 2))  # fmt: skip


def reference_panel(drill: Drill, lang: str) -> Panel:
    code = drill.file("reference").read_text(encoding="utf-8")
    return Panel(Text(code), title=t("reference", lang), title_align="left", border_style="magenta", padding=(0, 1))


@dataclass
class Outcome:
    passed: bool = False
    attempts: int = 0
    hints: int = 0
    revealed: bool = False

    def rating(self) -> int:
        return drill_log.proposed_rating(self.passed, self.attempts, self.hints, self.revealed)

    def given(self) -> str:
        extra = ", reference shown" if self.revealed else ""
        return f"{'pass' if self.passed else 'fail'} after {self.attempts} attempt(s), {self.hints} hint(s){extra}"


def run_editor(editor: str, path: Path, lang: str) -> None:
    try:
        subprocess.call([*shlex.split(editor), str(path)])
    except (OSError, ValueError) as exc:
        console.print(Text(t("editor_failed", lang, editor=editor, why=getattr(exc, "strerror", None) or exc),
                           style="yellow"))  # fmt: skip


def practice(drill: Drill, lang: str, *, directory: Path | None = None, exam: bool = False,
             worker: sandbox.Worker | None = None, seed: int = 0, timeout: float = sandbox.TIMEOUT,
             show_prompt: bool = True, fresh: bool = False) -> Outcome:  # fmt: skip
    """Write the stub (`fresh`: even over earlier work, which is moved aside), then edit -> judge ->
    feedback until the file passes or the learner quits."""
    out = Outcome()
    path, created = drill_log.start_file(drill, directory, fresh=fresh)
    if show_prompt:
        console.print(prompt_panel(drill, lang))
    console.print(Text(t("file", lang, path=path), style="bold"), soft_wrap=True)  # unwrapped: copyable
    console.print(Text(t("stub" if created else "kept", lang), style="dim"))
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")

    def keys(prompt_key: str) -> str:
        """Wait for Enter (judge) or q; h shows the next hint, r the reference (after an attempt)."""
        console.print(t(prompt_key, lang), style="dim")
        while True:
            k = key({"enter", " ", "h", "r", "q"})
            if k in ("enter", " ", "q"):
                return k
            if exam:
                continue
            if k == "h":
                if out.hints < len(drill.hints):
                    out.hints += 1
                    console.print(hint_panel(drill, out.hints, lang))
                else:
                    console.print(t("no_hints", lang), style="dim")
            elif k == "r" and out.attempts:
                out.revealed = True
                console.print(reference_panel(drill, lang))

    first = True
    while True:
        if editor:
            run_editor(editor, path, lang)
        elif first and keys("edit") == "q":
            return out
        first = False
        with console.status(t("judging", lang, name=drill.name), spinner="dots"):
            try:
                verdict = sandbox.judge(drill, path, seed=seed, timeout=timeout, worker=worker)
            except Exception as exc:  # a file we cannot read is one line, then the loop goes on
                verdict = sandbox.Verdict(drill.name, False, str(exc))
        out.attempts += 1
        record = {**verdict.to_dict(), "headline": verdict.headline()}
        try:
            drill_log.save_attempt(drill, path.read_text(encoding="utf-8", errors="replace"), record)
        except OSError:
            pass  # history is a convenience; the verdict still counts
        console.print(verdict_panel(verdict, drill, lang))
        if verdict.passed:
            out.passed = not out.revealed
            return out
        if keys(("again_exam" if exam else "again") + ("" if editor else "_plain")) == "q":
            return out
