"""Text from a bank, a store or the learner is data: never rich markup, never terminal control sequences,
and an ASCII-only stdout degrades to ASCII instead of raising."""

import dataclasses
import io
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from quiz import bank as bank_module
from quiz import cards, ui
from quiz.bank import Text
from quiz.cli import cli
from quiz.safe_text import clean
from quiz.session import Item, Summary

FIXTURE = Path(__file__).parent / "data" / "bank"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("raw, shown", [
    ("plain text, 中文 and tabs\tand\nnewlines", "plain text, 中文 and tabs\tand\nnewlines"),
    ("\x1b[31mred\x1b[0m", "red"),  # CSI colour
    ("\x1b[2J\x1b[Hcleared", "cleared"),  # clear screen, cursor home
    ("title\x1b]0;pwned\x07 after", "title after"),  # OSC window title ended by BEL
    ("link\x1b]8;;http://x\x1b\\text", "linktext"),  # OSC hyperlink ended by ST
    ("a\x1bPpayload\x1b\\b", "ab"),  # DCS string
    ("8-bit\x9b31m csi", "8-bit csi"),  # C1 CSI
    ("bell\x07 bs\x08 cr\r nul\x00 del\x7f nel\x85", "bell bs cr nul del nel"),
    ("lone escape at end\x1b", "lone escape at end"),
    ("[bold]markup stays[/]", "[bold]markup stays[/]"),  # not ours to interpret, only to print
])  # fmt: skip
def test_clean(raw, shown):
    assert clean(raw) == shown
    assert not CONTROL.search(clean(raw).replace("\n", "").replace("\t", ""))


def markup_bank(tmp_path: Path) -> Path:
    (tmp_path / "odd.yaml").write_text(
        'topic: odd\ntitle: {en: "Odd [bold]title", zh: "怪"}\nquestions:\n'
        '  - id: odd.markup\n    type: flashcard\n    difficulty: 1\n    tags: [markup, odd]\n'
        '    prompt: {en: "Is [/] a tag, is [i]this italic and [bold]this bold?", zh: "[/] 是标签吗"}\n'
        '    answer: {en: "Neither [/] nor [i] is markup here", zh: "都不是"}\n'
        '    explanation: {en: "[red]not red[/red]", zh: "解释"}\n'
        '    sources: [{paper: "A [/] paper 2020", where: "[i]1"}]\n',
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.parametrize("args, shown", [
    (["list"], ["Is [/] a tag, is [i]this italic and [bold]this bold?"]),
    (["show", "odd.markup"], ["Is [/] a tag, is [i]this italic and [bold]this bold?", "Neither [/] nor [i] is markup here",
                              "[red]not red[/red]", "A [/] paper 2020, [i]1", "tags: markup, odd"]),
    (["topics"], ["odd"]),
    (["list", "--lang", "zh"], ["[/] 是标签吗"]),
])  # fmt: skip
def test_bank_text_is_shown_literally(tmp_path, monkeypatch, args, shown):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(markup_bank(tmp_path)))
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    for text in shown:
        assert text in result.output


def render(renderable, width: int = 200) -> str:
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=True, color_system=None, highlight=False).print(renderable)
    return out.getvalue()


def hostile_question():
    """A question as an old cache or an unchecked bank could hold it: markup and escape sequences everywhere."""
    b, _ = bank_module.load([FIXTURE])
    q = b.by_id["basics.scale-mcq"]
    evil = "[bold]x[/] \x1b[2J\x1b]0;pwned\x07[i]y"
    choice = dataclasses.replace(q.choices[0], text=Text(evil, evil))
    q = dataclasses.replace(q, id="basics.[/]", topic="t[/]", prompt=Text(evil, evil), answer=Text(evil, evil),
                            explanation=Text(evil, evil), tags=("[/]",), choices=(choice, *q.choices[1:]),
                            sources=({"paper": evil, "where": evil},))  # fmt: skip
    return b, q


def test_every_panel_shows_hostile_text_literally_without_controls():
    b, q = hostile_question()
    p = cards.present(q, "en", random.Random(0))
    item = Item(q, is_new=True)
    learner = "[/]typed\x1b[31m\x07"  # what a learner typed, echoed back on the answer panel
    outputs = [
        render(ui.card_panel(p, item, (0, 0, 1), b)),
        render(ui.answer_panel(cards.present(b.by_id["basics.var-d64"], "en", random.Random(0)), False, learner)),
        render(ui.explanation_panel(q, "en")),
        render(ui.question_panel(q, "en")),
        render(ui.questions_table([q], "en")),
        render(ui.exam_panel(p, 1, 1, None)),
        render(ui.summary_panel(Summary(1, 0, 1, 3.0, None, missed=["a.[/]\x1b[2J"]), "en")),
    ]
    for out in outputs:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # rich's own styling is allowed; nothing else
        assert not CONTROL.search(plain.replace("\n", "")), repr(out)
    assert "[bold]x[/] [i]y" in re.sub(r"\x1b\[[0-9;]*m", "", outputs[0])
    assert "(you: [/]typed)" in re.sub(r"\x1b\[[0-9;]*m", "", outputs[1])
    assert "a.[/]" in outputs[-1]


def test_verifier_output_is_literal():
    from quiz.verify import Result, kit

    check = kit().Check("[/]name\x1b[2J", 1.0, 1.0, 0.0, True)
    result = Result("v[/]", "claim [bold]x\x1b]0;t\x07", [check], 0.1)
    for renderable in (ui.verify_table([result]), ui.verifier_panel(result)):
        out = re.sub(r"\x1b\[[0-9;]*m", "", render(renderable))
        assert "[/]name" in out and "claim [bold]x" in out and not CONTROL.search(out.replace("\n", ""))


ASCII_ENV = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii", "QUIZ_LANG": "zh"}


@pytest.mark.parametrize("args", [["list"], ["show", "basics.scale-mcq"], ["topics"], ["verify", "--list"]])
def test_ascii_stdout_degrades_without_a_traceback(args, quiz_home):
    env = {**os.environ, **ASCII_ENV, "QUIZ_QUESTIONS_DIR": str(FIXTURE), "COLUMNS": "100"}
    out = subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, env=env)
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    assert b"Traceback" not in out.stderr and out.stderr == b""
    text = out.stdout.decode("ascii")  # raises if a single non-ASCII byte got through
    assert len(text.splitlines()) >= 3
    if args[0] in ("list", "show"):
        assert "?" in text  # the Chinese text became ?, the layout is still there
    if args[0] == "show":  # ASCII borders, and every bordered line as wide as the others
        boxed = [ln.rstrip() for ln in text.splitlines() if ln[:1] in "+|"]
        assert boxed and len({len(ln) for ln in boxed}) == 1, text
    elif args[0] != "verify":  # listings: ASCII column rules, in the same place on every row
        ruled = [ln for ln in text.splitlines() if "|" in ln or "+" in ln]
        assert len(ruled) >= 3 and len({tuple(i for i, ch in enumerate(ln) if ch in "|+") for ln in ruled}) == 1, text
