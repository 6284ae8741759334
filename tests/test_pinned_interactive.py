"""quiz/interactive.py in-process, with what the learner sees pinned: every line the study loop, the timed exam
and `quiz exam --answers` print (a recorded rich console; colours read from its styled export), the keys each
screen takes, the exit status of every way a session ends, and the timers on a controlled clock.

tests/test_pinned_keys.py drives the same loops for the keys alone; the pty tests run the real terminal in a child
process (invisible to mutation testing). See docs/mutation.md.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.console import Console

from quiz import bank as bank_mod
from quiz import cards, drill_log, interactive, ui, verify
from quiz.keys import Keyboard, split_keys
from quiz.session import Item, Limits, Session
from quiz.store import AnswerNotSaved

SOFTMAX = Path(__file__).resolve().parent.parent / "drills" / "softmax"
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
START = 1000.0  # time.monotonic() when a test starts

BANK = """\
topic: inter
title: {en: Interactive, zh: 交互}
questions:
  - id: inter.why
    type: flashcard
    difficulty: 1
    prompt: {en: Why scale the logits?, zh: 为什么要缩放分数？}
    answer: {en: To keep softmax from saturating., zh: 避免 softmax 饱和。}
    explanation: {en: Var(q·k) grows like d_k., zh: Var(q·k) 随 d_k 增长。}
    verifier: attention_scaling
    sources: [{paper: "Vaswani et al. 2017, Attention Is All You Need", where: "3.2.1"}]
  - id: inter.pick
    type: mcq
    difficulty: 2
    prompt: {en: Which norm has no mean subtraction?, zh: 哪种归一化不减均值？}
    choices:
      - {en: RMSNorm, zh: RMSNorm, correct: true}
      - {en: LayerNorm, zh: LayerNorm}
      - {en: BatchNorm, zh: BatchNorm}
    answer: {en: RMSNorm only rescales., zh: RMSNorm 只做缩放。}
    explanation: {en: LayerNorm centres first., zh: LayerNorm 先减均值。}
    sources: [{paper: "Zhang and Sennrich 2019, Root Mean Square Layer Normalization", where: "3"}]
  - id: inter.var
    type: numeric
    difficulty: 3
    prompt: {en: Var(q·k) at d_k = 64?, zh: d_k = 64 时 Var(q·k)？}
    answer: {value_from: attention_scaling.var_unscaled_d64, tolerance: 0.05, en: It is d_k., zh: 等于 d_k。}
    explanation: {en: A sum of 64 unit-variance terms., zh: 64 个方差为 1 的项之和。}
    sources: [{paper: "Vaswani et al. 2017, Attention Is All You Need", where: "footnote 4"}]
  - id: inter.gaps
    type: cloze
    difficulty: 1
    prompt: {en: "BERT masks {{15%|15}} of tokens, {{80%}} of them with [MASK].",
             zh: "BERT 遮盖 {{15%|15}} 的 token，其中 {{80%}} 换成 [MASK]。"}
    sources: [{paper: "Devlin et al. 2019, BERT", where: "3.1"}]
  - id: inter.draw
    type: numeric
    difficulty: 2
    params: {d_k: [32]}
    prompt: {en: "Var(q·k) at d_k = {d_k}?", zh: "d_k = {d_k} 时 Var(q·k)？"}
    answer: {compute: qk_variance, tolerance: 0.01, en: "It is {answer}.", zh: "等于 {answer}。"}
    verifier: attention_scaling
    sources: [{paper: "Vaswani et al. 2017, Attention Is All You Need", where: "footnote 4"}]
"""


class Term:
    """A scripted terminal. Inputs, in order: a one-character string is a key, a longer one a line typed and ended
    with Enter (unless it ends with one already: "u\r" is the line "u"), WAIT a second in which no key comes (the
    keyboard's timeout passes on the clock), a number that many seconds passing before the next input, a callable
    something that happens then (a signal). Running out is Ctrl-D. Output goes to a recorded rich console of `width`
    columns: `text` is everything written, in order, `screen` the same with panel frames reduced, `styled` what rich
    printed with its colours as ANSI codes. time.monotonic() is `now`."""

    def __init__(self, monkeypatch, *inputs, width=72):
        self.inputs = deque(inputs)
        self.now = START
        self.out = io.StringIO()
        self.console = Console(file=self.out, width=width, record=True, highlight=False)
        monkeypatch.setattr(ui, "console", self.console)
        monkeypatch.setattr(time, "monotonic", lambda: self.now)
        term = self

        class ScriptKeyboard(Keyboard):
            def _fill(self, timeout):
                while term.inputs:
                    item = term.inputs.popleft()
                    if item is WAIT:
                        term.now += timeout
                        return False
                    if isinstance(item, (int, float)):
                        term.now += item
                    elif callable(item):
                        item()
                    else:
                        self.pending.extend(split_keys(item) + ([] if len(item) == 1 or item[-1] == "\r" else ["\r"]))
                        return True
                raise EOFError

        monkeypatch.setattr(interactive, "Keyboard", lambda *a, **k: ScriptKeyboard(fd=-1, out=self.out))

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.out.getvalue().split("\n"))

    @property
    def screen(self) -> str:
        """`text` with each panel's frame reduced to one mark a line: "╭ title", "│" + each non-blank inner line,
        "╰ subtitle" (so the pins below read like the screen, independent of padding); "↺" is a line cleared to be
        drawn again ("\\r\\x1b[2K", the countdowns)."""
        lines = []
        for line in self.text.replace("\r\x1b[2K", "↺").split("\n"):
            if line[:1] in ("╭", "╰"):
                lines.append((line[0] + " " + line[1:-1].strip("─").strip()).rstrip())
            elif line[:1] == "│" and line[-1:] == "│":
                if line[1:-1].strip():
                    lines.append("│" + line[1:-1].rstrip())
            else:
                lines.append(line)
        return "\n".join(lines)

    @property
    def styled(self) -> str:
        return self.console.export_text(styles=True, clear=False)


WAIT = object()


@pytest.fixture(autouse=True)
def fixed(monkeypatch):
    """Dates print in UTC, "now" (QUIZ_NOW) is T0, and fsrs's fuzz is the middle of its range (its one random draw)."""
    import fsrs.scheduler

    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("QUIZ_NOW", T0.isoformat())
    monkeypatch.setattr(fsrs.scheduler, "random", lambda: 0.5)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    d = tmp_path_factory.mktemp("bank")
    (d / "inter.yaml").write_text(BANK, encoding="utf-8")
    b, problems = bank_mod.load([d])
    assert not problems
    return b


def study_session(store, bank, ids):
    """These new cards, in this order; without a bank, learning cards do not come back within the session."""
    s = Session(store, deque(Item(bank.by_id[i], is_new=True) for i in ids), Limits(), clock=lambda: T0)
    s.started = START
    return s


def live(store):
    return [(r["question_id"], r["rating"], r["answer"], r["correct"]) for r in store.reviews()]


def reviews(store):
    return [(r["question_id"], r["rating"], r["answer"], r["correct"], r["duration_ms"]) for r in store.reviews()]


@pytest.fixture
def verifier_runs(monkeypatch):
    """verify.run stood in for by a fast torch-free result (the real attention_scaling imports torch: seconds);
    the calls are recorded as (name, figures)."""
    calls = []

    def run(name, seed=0, directory=None, figures=False):
        calls.append((name, figures))
        kit = verify.kit()
        checks = [kit.check("var_unscaled_d64", 64, 63.2, rel_tol=0.05), kit.check("var_scaled_d64", 1, 0.99, rel_tol=0.05)]
        return verify.Result(name, "Var(q·k) grows like d_k.", checks, 0.25)

    monkeypatch.setattr(verify, "run", run)
    return calls


SGR = {"1": "bold", "2": "dim", "3": "italic", "7": "reverse", "31": "red", "32": "green", "33": "yellow", "34": "blue",
       "35": "magenta", "36": "cyan"}


def markup(ansi: str) -> str:
    """ANSI colour codes as rich-like markup: "\x1b[1;31mWrong\x1b[0m" -> "[bold red]Wrong[/]"."""
    return re.sub(r"\x1b\[([\d;]+)m", lambda m: "[/]" if m[1] == "0" else f"[{' '.join(SGR[c] for c in m[1].split(';'))}]",
                  ansi)


def in_order(text: str, parts: list[str]) -> list[str]:
    """The parts not found in `text` in this order (each searched for after the previous one)."""
    missing, at = [], 0
    for part in parts:
        i = text.find(part, at)
        if i < 0:
            missing.append(part)
        else:
            at = i + len(part)
    return missing


STUDY_EN = """
╭ Interactive · flashcard · ★☆☆   done 0 · due 0 · new 4  NEW
│  Why scale the logits?
╰ inter.why
Enter: show answer   u: undo   q: quit
Nothing to undo.

╭ Interactive · flashcard · ★☆☆   done 0 · due 0 · new 4  NEW
│  Why scale the logits?
╰ inter.why
Enter: show answer   u: undo   q: quit
╭
│  To keep softmax from saturating.
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit
╭ explanation
│ Var(q·k) grows like d_k.
│ Sources
│   • paper: Vaswani et al. 2017, Attention Is All You Need, 3.2.1
│ Verifier: attention_scaling (press v)
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit
╭ verifier attention_scaling · 0.25 s
│ Var(q·k) grows like d_k.
│   check             measured     expected   tol  result
│   var_unscaled_d64      63.2  ≈        64   3.2  PASS
│   var_scaled_d64        0.99  ≈         1  0.05  PASS
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit

╭ Interactive · multiple choice · ★★☆   done 1 · due 0 · new 3  NEW
│  Which norm has no mean subtraction?
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm
╰ inter.pick
Press a letter   u: undo   q: quit
╭
│  Wrong
│    a) LayerNorm
│    b) BatchNorm  ✗
│    c) RMSNorm  ✓
│  RMSNorm only rescales.
╰
╭ explanation
│ LayerNorm centres first.
│ Sources
│   • paper: Zhang and Sennrich 2019, Root Mean Square Layer
│     Normalization, 3
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Again · e explain · v verify · u undo · q quit

╭ Interactive · numeric · ★★★   done 2 · due 0 · new 2  NEW
│  Var(q·k) at d_k = 64?
╰ inter.var
Your answer (e.g. 4096, 3.2e9, 7B, 12%), q to quit
graded within ±5%
Answer › sixty
Not a number; try 4096, 1,024, 3.2e9, 7B or 12%
Answer › 64
╭
│  Right  (you: 64)
│  64. It is d_k.
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit
╭ verifier attention_scaling · 0.25 s
│ Var(q·k) grows like d_k.
│   check             measured     expected   tol  result
│   var_unscaled_d64      63.2  ≈        64   3.2  PASS
│   var_scaled_d64        0.99  ≈         1  0.05  PASS
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit

╭ Interactive · cloze · ★☆☆   done 3 · due 0 · new 1  NEW
│  BERT masks [1]____ of tokens, [2]____ of them with [MASK].
╰ inter.gaps
Gap 1 › u
Undid your answer to inter.var; it is shown again.

╭ Interactive · numeric · ★★★   done 2 · due 0 · new 1  NEW
│  Var(q·k) at d_k = 64?
╰ inter.var
Your answer (e.g. 4096, 3.2e9, 7B, 12%), q to quit
graded within ±5%
Answer › 64
╭
│  Right  (you: 64)
│  64. It is d_k.
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit

╭ Interactive · cloze · ★☆☆   done 3 · due 0 · new 1  NEW
│  BERT masks [1]____ of tokens, [2]____ of them with [MASK].
╰ inter.gaps
Gap 1 › 15
Gap 2 › u
╭
│  Wrong
│    [1] ✓ 15
│    [2] ✗ u   answer: 80%
│  BERT masks 15% of tokens, 80% of them with [MASK].
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Again · e explain · v verify · u undo · q quit
Undid your answer to inter.var; it is shown again.

╭ Interactive · numeric · ★★★   done 2 · due 0 · new 1  NEW
│  Var(q·k) at d_k = 64?
╰ inter.var
Your answer (e.g. 4096, 3.2e9, 7B, 12%), q to quit
graded within ±5%
Answer › 64
╭
│  Right  (you: 64)
│  64. It is d_k.
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit

╭ Interactive · cloze · ★☆☆   done 3 · due 0 · new 1  NEW
│  BERT masks [1]____ of tokens, [2]____ of them with [MASK].
╰ inter.gaps
Gap 1 › 15%
Gap 2 › 80%
╭
│  Right
│    [1] ✓ 15%
│    [2] ✓ 80%
│  BERT masks 15% of tokens, 80% of them with [MASK].
╰
 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d
1-4 rate · Enter Good · e explain · v verify · u undo · q quit

No more cards for now. 🎉
╭ summary
│ Cards done: 4
│ Accuracy: 67% (2/3 auto-graded)
│ Time: 0m 17s
│ Missed:
│   ✗ Which norm has no mean subtraction? (inter.pick)
│ Next due: 2026-03-10 12:01 (in 1m)
╰
"""


def test_a_study_session_screen_by_screen(monkeypatch, store, bank, verifier_runs):
    """Every card type, every key of the answer screen, undo from a question and from a rating screen, and the
    time each answer took (the clock moves only where the script says)."""
    term = Term(monkeypatch,
                "u",                      # nothing to undo yet: the card again
                "x", 7, " ",              # x is ignored; 7 s later space reveals
                "e", "e", "v", "v", "4",  # the explanation, once; the verifier, once; 4 = Easy
                "d", 3, "B",              # mcq: d is no choice (three), B (wrong, upper case) after 3 s
                "e", "\r",                # its explanation is already on screen; Enter = the proposed Again
                "sixty", 2, "64",         # numeric: not a number; 64, right, 2 s after the card
                "v", " ",                 # the verifier with the card's check highlighted; space = Good
                "u\r",                    # cloze: u at gap 1 takes back the numeric's Good
                "64", "2",                # the numeric again; 2 = Hard over the proposed Good
                "15", "u\r",              # gap 2 takes "u" as an answer (only gap 1 undoes): wrong
                "u",                      # u at the rating screen: the numeric is taken back again
                "64", "3", 5, "15%", "80%", "1")  # fmt: skip
    session = study_session(store, bank, ["inter.why", "inter.pick", "inter.var", "inter.gaps"])
    assert interactive.study(session, bank, "en", random.Random(3)) == 0
    assert term.screen == STUDY_EN
    assert reviews(store) == [("inter.why", 4, None, None, 7000), ("inter.pick", 1, "b", 0, 3000),
                              ("inter.var", 3, "64", 1, 0), ("inter.gaps", 1, "15% | 80%", 1, 5000)]  # fmt: skip
    assert verifier_runs == [("attention_scaling", True)] * 2  # with figures
    styled = markup(term.styled)
    assert in_order(styled, [
        "[dim]Enter: show answer   u: undo   q: quit[/]\n[dim]Nothing to undo.[/]",
        "[bold reverse green] 3 Good [/]", "[dim]1-4 rate · Enter Good · e explain · v verify · u undo · q quit[/]",
        "[dim]Press a letter   u: undo   q: quit[/]",
        "[bold reverse red] 1 Again [/]", "[dim]1-4 rate · Enter Again",
        "[dim]Your answer (e.g. 4096, 3.2e9, 7B, 12%), q to quit[/]\n[dim]graded within ±5%[/]",
        "[bold]Answer[/] › [yellow]Not a number; try 4096, 1,024, 3.2e9, 7B or 12%[/]",
        "[bold reverse]  var_unscaled_d64",  # the numeric card's own check, highlighted
        "[bold]Gap 1[/] › [yellow]Undid your answer to inter.var; it is shown again.[/]",
        "[bold]Gap 1[/] › [bold]Gap 2[/] › ",
    ]) == []  # fmt: skip
    assert styled.count("[bold reverse]") == 1  # the flashcard's verifier run highlights nothing


STUDY_ZH = """
╭ 交互 · 问答 · ★☆☆   已完成 0 · 待复习 0 · 新卡 4  新
│  为什么要缩放分数？
╰ inter.why
回车：显示答案   u：撤销   q：退出
没有可撤销的答案。

╭ 交互 · 问答 · ★☆☆   已完成 0 · 待复习 0 · 新卡 4  新
│  为什么要缩放分数？
╰ inter.why
回车：显示答案   u：撤销   q：退出
╭
│  避免 softmax 饱和。
╰
 1 重来 1 分钟   2 困难 6 分钟   3 良好 10 分钟   4 简单 8 天
1-4 评分 · 回车 良好 · e 解释 · v 验证 · u 撤销 · q 退出
╭ 解释
│ Var(q·k) 随 d_k 增长。
│ 来源
│   • 论文：Vaswani et al. 2017, Attention Is All You Need，3.2.1
│ 验证程序：attention_scaling（按 v 运行）
╰
 1 重来 1 分钟   2 困难 6 分钟   3 良好 10 分钟   4 简单 8 天
1-4 评分 · 回车 良好 · e 解释 · v 验证 · u 撤销 · q 退出

╭ 交互 · 选择题 · ★★☆   已完成 1 · 待复习 0 · 新卡 3  新
│  哪种归一化不减均值？
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm
╰ inter.pick
按字母选择   u：撤销   q：退出
╭
│  错误
│    a) LayerNorm  ✗
│    b) BatchNorm
│    c) RMSNorm  ✓
│  RMSNorm 只做缩放。
╰
╭ 解释
│ LayerNorm 先减均值。
│ 来源
│   • 论文：Zhang and Sennrich 2019, Root Mean Square Layer
│     Normalization，3
╰
 1 重来 1 分钟   2 困难 6 分钟   3 良好 10 分钟   4 简单 8 天
1-4 评分 · 回车 重来 · e 解释 · v 验证 · u 撤销 · q 退出
这张卡片没有验证程序。
 1 重来 1 分钟   2 困难 6 分钟   3 良好 10 分钟   4 简单 8 天
1-4 评分 · 回车 重来 · e 解释 · v 验证 · u 撤销 · q 退出

╭ 交互 · 计算题 · ★★★   已完成 2 · 待复习 0 · 新卡 2  新
│  d_k = 64 时 Var(q·k)？
╰ inter.var
你的答案（如 4096、3.2e9、7B、12%），q 退出
误差 ±5% 以内算对
答案 › abc
不是数字；可以输入 4096、1,024、3.2e9、7B 或 12%
答案 › 64
╭
│  正确（你的答案：64）
│  64。等于 d_k。
╰
 1 重来 1 分钟   2 困难 6 分钟   3 良好 10 分钟   4 简单 8 天
1-4 评分 · 回车 良好 · e 解释 · v 验证 · u 撤销 · q 退出

╭ 交互 · 填空题 · ★☆☆   已完成 3 · 待复习 0 · 新卡 1  新
│  BERT 遮盖 [1]____ 的 token，其中 [2]____ 换成 [MASK]。
╰ inter.gaps
空 1 › u
已撤销对 inter.var 的回答，重新显示。

╭ 交互 · 计算题 · ★★★   已完成 2 · 待复习 0 · 新卡 1  新
│  d_k = 64 时 Var(q·k)？
╰ inter.var
你的答案（如 4096、3.2e9、7B、12%），q 退出
误差 ±5% 以内算对
答案 › 64
╭
│  正确（你的答案：64）
│  64。等于 d_k。
╰
 1 重来 1 分钟   2 困难 6 分钟   3 良好 10 分钟   4 简单 8 天
1-4 评分 · 回车 良好 · e 解释 · v 验证 · u 撤销 · q 退出

╭ 交互 · 填空题 · ★☆☆   已完成 3 · 待复习 0 · 新卡 1  新
│  BERT 遮盖 [1]____ 的 token，其中 [2]____ 换成 [MASK]。
╰ inter.gaps
空 1 › 15
空 2 › 80
╭
│  错误
│    [1] ✓ 15
│    [2] ✗ 80   答案：80%
│  BERT 遮盖 15% 的 token，其中 80% 换成 [MASK]。
╰
 1 重来 1 分钟   2 困难 6 分钟   3 良好 10 分钟   4 简单 8 天
1-4 评分 · 回车 重来 · e 解释 · v 验证 · u 撤销 · q 退出

今天的卡片都复习完了。🎉
╭ 小结
│ 完成：4 张
│ 正确率：33%（自动判分 1/3）
│ 用时：0 分 0 秒
│ 答错：
│   ✗ BERT 遮盖 ____ 的 token，其中 ____ 换成 [MASK]。（inter.gaps）
│ 下次到期：2026-03-10 12:01（1 分钟后）
╰
"""


def test_a_study_session_in_chinese(monkeypatch, store, bank, verifier_runs):
    term = Term(monkeypatch, "u", " ", "e", "\r", "a", "v", "3", "abc", "64", "4", "u\r", "64", "\r", "15", "80", "1")
    session = study_session(store, bank, ["inter.why", "inter.pick", "inter.var", "inter.gaps"])
    assert interactive.study(session, bank, "zh", random.Random(3)) == 0
    assert term.screen == STUDY_ZH
    assert reviews(store) == [("inter.why", 3, None, None, 0), ("inter.pick", 3, "a", 0, 0), ("inter.var", 3, "64", 1, 0),
                              ("inter.gaps", 1, "15 | 80", 0, 0)]  # fmt: skip
    assert verifier_runs == []  # the mcq has none: v says so
    assert in_order(markup(term.styled), [
        "[dim]回车：显示答案   u：撤销   q：退出[/]\n[dim]没有可撤销的答案。[/]", "[dim]1-4 评分 · 回车 良好",
        "[dim]按字母选择   u：撤销   q：退出[/]", "[dim]这张卡片没有验证程序。[/]",
        "[dim]你的答案（如 4096、3.2e9、7B、12%），q 退出[/]", "[bold]答案[/] › [yellow]不是数字；",
        "[bold]空 1[/] › [yellow]已撤销对 inter.var 的回答，重新显示。[/]",
    ]) == []  # fmt: skip


def exam_session(store, bank, ids):
    s = Session(store, deque(Item(bank.by_id[i], is_new=False) for i in ids), cram=True, clock=lambda: T0)
    s.started = START
    return s


EXAM_EN = """
╭ mock interview · question 1/4 · 1:00 left
│  Why scale the logits?
╰ inter
↺Enter: show answer   q: quit   ⏱ 1:00 left↺Enter: show answer   q: quit   ⏱ 0:59 left
╭
│  To keep softmax from saturating.
╰
↺Did you get it right? y / n   ⏱ 0:59 left↺Did you get it right? y / n   ⏱ 0:58 left

╭ mock interview · question 2/4 · 0:58 left
│  Which norm has no mean subtraction?
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm
╰ inter
↺Press a letter   q: quit   ⏱ 0:58 left
╭
│  Wrong
│    a) LayerNorm  ✗
│    b) BatchNorm
│    c) RMSNorm  ✓
│  RMSNorm only rescales.
╰

╭ mock interview · question 3/4 · 0:53 left
│  Var(q·k) at d_k = 64?
╰ inter
Your answer (e.g. 4096, 3.2e9, 7B, 12%), q to quit
graded within ±5%
[0:53 left] Answer › ↺[0:52 left] Answer › 7↺[0:51 left] Answer › 7015
╭
│  Wrong  (you: 7015)
│  64. It is d_k.
╰

╭ mock interview · question 4/4 · 0:11 left
│  BERT masks [1]____ of tokens, [2]____ of them with [MASK].
╰ inter
[0:11 left] Gap 1 › ↺[0:10 left] Gap 1 › ↺[0:09 left] Gap 1 › ↺[0:00 left] Gap 1 ›
Time is up.
╭ mock interview result
│ 1/4 correct in 1m 22s
│  topic  score
│  inter    1/4
│ Review these (quiz show ID): inter.pick, inter.var
│ Unanswered: inter.gaps
╰
"""


def test_a_timed_exam_counts_down_and_stops_at_the_deadline(monkeypatch, store, bank):
    """One minute: each prompt shows the time left and redraws it every second without a key (a line keeps what was
    typed); u does nothing (no undo in an exam); at 0:00 the open question and the rest are unanswered."""
    term = Term(monkeypatch,
                WAIT, "u", " ", WAIT, "x", "Y",  # flashcard: revealed after a second; x ignored; Y = right
                "u", 5, "a",                     # mcq: u ignored; a (wrong) after 5 s
                WAIT, "7", WAIT, "0", 40, "15",  # numeric: 7015 typed across two redraws, 42 s in all
                WAIT, WAIT, 30, WAIT)  # fmt: skip  # cloze: the time runs out at gap 1
    session = exam_session(store, bank, ["inter.why", "inter.pick", "inter.var", "inter.gaps"])
    assert interactive.exam(session, bank, "en", random.Random(3), minutes=1) == 0
    assert term.screen == EXAM_EN
    assert reviews(store) == [("inter.why", 3, None, 1, 2000), ("inter.pick", 1, "a", 0, 5000),
                              ("inter.var", 1, "7015", 0, 42000)]  # fmt: skip
    assert store.known_ids() == set()  # cram: nothing rescheduled
    assert in_order(markup(term.styled), [
        "[dim]Enter: show answer   q: quit   ⏱ 1:00 left[/][dim]Enter: show answer   q: quit   ⏱ 0:59 left[/]",
        "[dim]Did you get it right? y / n   ⏱ 0:59 left[/]", "[dim]Press a letter   q: quit   ⏱ 0:58 left[/]\n",
        "[bold][0:53 left] Answer[/] › [bold][0:52 left] Answer[/] › ",
        "[bold][0:00 left] Gap 1[/] › \n[bold yellow]Time is up.[/]",
    ]) == []  # fmt: skip


EXAM_ZH = """
╭ 模拟面试 · 第 1/3 题 · 剩余 1:00
│  为什么要缩放分数？
╰ inter
↺回车：显示答案   q：退出   ⏱ 剩余 1:00↺回车：显示答案   q：退出   ⏱ 剩余 0:59
╭
│  避免 softmax 饱和。
╰
↺答对了吗？y / n   ⏱ 剩余 0:59

╭ 模拟面试 · 第 2/3 题 · 剩余 0:59
│  哪种归一化不减均值？
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm
╰ inter
↺按字母选择   q：退出   ⏱ 剩余 0:59↺按字母选择   q：退出   ⏱ 剩余 0:00
时间到。
╭ 模拟面试结果
│ 答对 0/3，用时 1 分 12 秒
│  主题   得分
│  inter   0/3
│ 需要复习（quiz show ID）：inter.why
│ 未作答：inter.pick、inter.var
╰
"""


def test_a_timed_exam_in_chinese(monkeypatch, store, bank):
    term = Term(monkeypatch, WAIT, " ", "n", 70, WAIT)
    session = exam_session(store, bank, ["inter.why", "inter.pick", "inter.var"])
    assert interactive.exam(session, bank, "zh", random.Random(3), minutes=1) == 0
    assert term.screen == EXAM_ZH
    assert reviews(store) == [("inter.why", 1, None, 0, 1000)]
    assert in_order(markup(term.styled), ["[dim]答对了吗？y / n   ⏱ 剩余 0:59[/]", "[bold yellow]时间到。[/]"]) == []


EXAM_UNTIMED = """
╭ mock interview · question 1/3
│  Which norm has no mean subtraction?
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm
╰ inter
Press a letter   q: quit
╭
│  Right
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm  ✓
│  RMSNorm only rescales.
╰

╭ mock interview · question 2/3
│  Why scale the logits?
╰ inter
Enter: show answer   q: quit
╭
│  To keep softmax from saturating.
╰
Did you get it right? y / n

╭ mock interview result
│ 1/1 correct in 0m 4s
│  topic  score
│  inter    1/1
╰
"""


def test_an_untimed_exam_and_q_at_the_self_grade(monkeypatch, store, bank):
    term = Term(monkeypatch, "x", "d", 4, "C", "\r", "q")
    session = exam_session(store, bank, ["inter.pick", "inter.why", "inter.var"])
    assert interactive.exam(session, bank, "en", random.Random(3)) == 0
    assert term.screen == EXAM_UNTIMED
    assert reviews(store) == [("inter.pick", 3, "c", 1, 4000)]
    styled = markup(term.styled)
    assert in_order(styled, ["[dim]Press a letter   q: quit[/]\n", "[dim]Did you get it right? y / n[/]\n"]) == []


@pytest.fixture
def drill_bank(bank, tmp_path, monkeypatch):
    """The bank plus one drill card (drill.softmax), from a drills dir holding only that drill."""
    shutil.copytree(SOFTMAX, tmp_path / "drills" / "softmax")
    monkeypatch.setenv("QUIZ_DRILLS_DIR", str(tmp_path / "drills"))
    return drill_log.with_drills(bank)


SCRIPTED_EN = """╭ mock interview · question 1/7
│  Why scale the logits?
╰ inter
╭
│  Right
│  To keep softmax from saturating.
╰
╭ mock interview · question 2/7
│  Which norm has no mean subtraction?
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm
╰ inter
╭
│  Right
│    a) LayerNorm
│    b) BatchNorm
│    c) RMSNorm  ✓
│  RMSNorm only rescales.
╰
╭ mock interview · question 3/7
│  Var(q·k) at d_k = 64?
╰ inter
╭
│  Right  (you: 64)
│  64. It is d_k.
╰
╭ mock interview · question 4/7
│  BERT masks [1]____ of tokens, [2]____ of them with [MASK].
╰ inter
╭
│  Right
│    [1] ✓ 15
│    [2] ✓ 80%
│  BERT masks 15% of tokens, 80% of them with [MASK].
╰
╭ mock interview · question 5/7
│  Var(q·k) at d_k = 32?
╰ inter
╭
│  Wrong  (you: abc)
│  It is 32.
╰
╭ mock interview · question 6/7
│  Stable softmax
│  Implement softmax(x, dim=-1): exponentiate and normalise along
│  `dim` so every slice along `dim`
│  is a probability distribution. x has any shape and is float32 or
│  float64; return the same shape
│  and dtype. It must stay finite when logits are as large as 1e4
│  (exp(1e4) overflows), must honour
│  any `dim` (not only the last one), and must not modify x in place.
│  softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor
╰ attention
Unanswered: drill.softmax
╭ mock interview · question 7/7
│  Why scale the logits?
╰ inter
Unanswered: inter.why
╭ mock interview result
│ 4/7 correct in 0m 0s
│  topic      score
│  attention    0/1
│  inter        4/6
│ Review these (quiz show ID): inter.draw
│ Unanswered: drill.softmax, inter.why
╰
"""


def test_an_exam_from_an_answers_file(monkeypatch, store, drill_bank):
    """`quiz exam --answers`: y/yes for a flashcard, an mcq choice by its text, a number with spaces, cloze gaps split
    at "|", a parametric card's unparsable line (wrong), a drill (judged on code: unanswered whatever the line says)
    and a missing line (unanswered)."""
    term = Term(monkeypatch)
    ids = ["inter.why", "inter.pick", "inter.var", "inter.gaps", "inter.draw", "drill.softmax", "inter.why"]
    session = exam_session(store, drill_bank, ids)
    lines = ["yes", "  rmsnorm ", "64 ", "15 | 80%", "abc", "x"]
    assert interactive.scripted_exam(session, drill_bank, "en", random.Random(3), lines) == 0
    assert term.screen == SCRIPTED_EN
    assert reviews(store) == [("inter.why", 3, None, 1, None), ("inter.pick", 3, "c", 1, None),
                              ("inter.var", 3, "64", 1, None), ("inter.gaps", 3, "15 | 80%", 1, None),
                              ("inter.draw", 1, "abc", 0, None)]  # fmt: skip
    styled = markup(term.styled)
    assert in_order(styled, ["[yellow]Unanswered: drill.softmax[/]", "[yellow]Unanswered: inter.why[/]"]) == []


def test_an_answers_file_with_letters_unknown_choices_and_blank_lines(monkeypatch, store, bank):
    term = Term(monkeypatch)
    session = exam_session(store, bank, ["inter.pick", "inter.pick", "inter.why", "inter.var", "inter.why"])
    assert interactive.scripted_exam(session, bank, "en", random.Random(3), ["B", "transformer", "N", "", "Y"]) == 0
    assert reviews(store) == [("inter.pick", 1, "b", 0, None), ("inter.pick", 1, "?", 0, None),
                              ("inter.why", 1, None, 0, None), ("inter.why", 3, None, 1, None)]  # fmt: skip
    assert "╭ mock interview · question 4/5\n│  Var(q·k) at d_k = 64?\n╰ inter\nUnanswered: inter.var\n" in term.screen
    assert "│ 1/5 correct in 0m 0s\n" in term.screen


def test_an_answers_file_in_chinese(monkeypatch, store, bank):
    term = Term(monkeypatch)
    session = exam_session(store, bank, ["inter.why", "inter.why", "inter.var", "inter.pick"])
    assert interactive.scripted_exam(session, bank, "zh", random.Random(3), ["是", "对", " ", "rmsnorm"]) == 0
    assert reviews(store) == [("inter.why", 3, None, 1, None), ("inter.why", 3, None, 1, None),
                              ("inter.pick", 3, "c", 1, None)]  # fmt: skip
    assert "╰ inter\n未作答：inter.var\n╭ 模拟面试 · 第 4/4 题\n" in term.screen
    assert "[yellow]未作答：inter.var[/]" in markup(term.styled)
    assert "│ 答对 3/4，用时 0 分 0 秒\n" in term.screen


def test_an_answers_file_stops_at_an_answer_that_cannot_be_saved(monkeypatch, store, bank):
    """No terminal to offer a retry on: one line (however long: it is not wrapped), status 1, and the report of what
    was saved."""
    term = Term(monkeypatch)
    session = exam_session(store, bank, ["inter.why", "inter.var", "inter.pick"])
    real, calls = session.answer, []

    def answer(rating, **kw):
        calls.append((rating, kw))
        if len(calls) == 2:
            raise AnswerNotSaved("your answer to inter.var was not saved: the disk is full, and this message is longer "
                                 "than the terminal is wide", busy=False)  # fmt: skip
        return real(rating, **kw)

    monkeypatch.setattr(session, "answer", answer)
    term.now += 125  # the report's time
    assert interactive.scripted_exam(session, bank, "en", random.Random(3), ["y", "64", "c"]) == 1
    assert calls == [(3, {"given": None, "correct": True}), (3, {"given": "64", "correct": True})]
    error = ("Error: your answer to inter.var was not saved: the disk is full, and this message is longer than the "
             "terminal is wide")  # fmt: skip
    assert f"\n{error}\n╭ mock interview result\n│ 1/1 correct in 2m 5s\n" in term.screen
    assert f"[bold red]{error}[/]" in markup(term.styled)


@pytest.fixture
def drills_run(monkeypatch):
    """The drill's own loop (drill_ui.practice: editor, sandbox, verdicts) and its warm torch worker stood in for:
    `outcomes` are what the learner achieves, in order; `log` records the worker's life and each practice call."""
    from quiz import drill_ui, sandbox

    log, outcomes = [], deque()

    class Worker:
        def __init__(self, drills_dir):
            log.append(("worker", Path(drills_dir)))

        def close(self):
            log.append("closed")

    def practice(drill, lang, *, exam, worker, show_prompt, fresh):
        log.append(("practice", drill.name, lang, exam, type(worker).__name__, show_prompt, fresh))
        ui.console.print("(the drill's own screens)")
        return outcomes.popleft()

    monkeypatch.setattr(sandbox, "Worker", Worker)
    monkeypatch.setattr(drill_ui, "practice", practice)
    return log, outcomes


def test_drill_cards_in_study(monkeypatch, store, drill_bank, drills_run, tmp_path):
    from quiz.drill_ui import Outcome

    log, outcomes = drills_run
    outcomes.extend([Outcome(passed=True, attempts=2, hints=1), Outcome(passed=False, attempts=1), Outcome()])
    term = Term(monkeypatch,
                "x", 4, " ", "\r",  # x is ignored; space starts the drill: passed at the 2nd attempt; Enter = Hard
                " ", "3",           # the flashcard in between
                "\r", 2, "4",       # Enter starts the drill again: failed (Again proposed); 4 = Easy
                "\r", width=110)  # fmt: skip  # the third time the learner leaves without an attempt: the session ends
    session = study_session(store, drill_bank, ["drill.softmax", "inter.why", "drill.softmax", "drill.softmax"])
    assert interactive.study(session, drill_bank, "en", random.Random(3)) == 0
    assert reviews(store) == [("drill.softmax", 2, "pass after 2 attempt(s), 1 hint(s)", 1, 4000),
                              ("inter.why", 3, None, None, 0),
                              ("drill.softmax", 4, "fail after 1 attempt(s), 0 hint(s)", 0, 0)]  # fmt: skip
    practice = ("practice", "softmax", "en", False, "Worker", False, True)  # no prompt of its own: the card showed it
    assert log == [("worker", tmp_path / "drills"), practice, practice, practice, "closed"]  # one worker, closed at the end
    start = "Enter starts the drill (the stub opens in $VISUAL/$EDITOR if set; judged when you return) · q quit"
    assert in_order(term.screen, [
        "╰ drill.softmax\n" + start + "\n(the drill's own screens)\n 1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy ",
        "\n1-4 rate · Enter Hard · e explain · v verify · u undo · q quit\n\n╭ Interactive · flashcard",
        "╰ drill.softmax\n" + start + "\n(the drill's own screens)\n 1 Again 1m",  # no answer panel, no explanation
        "\n1-4 rate · Enter Again · e explain",
        "╰ drill.softmax\n" + start + "\n(the drill's own screens)\n\n╭ summary\n│ Cards done: 3\n",
    ]) == []  # fmt: skip
    assert f"[dim]{start}[/]" in markup(term.styled)


def test_q_before_a_drill_starts_and_a_drill_in_chinese(monkeypatch, store, drill_bank, drills_run):
    log, outcomes = drills_run
    term = Term(monkeypatch, "Q", width=110)
    session = study_session(store, drill_bank, ["drill.softmax"])
    assert interactive.study(session, drill_bank, "zh", random.Random(3)) == 0
    start = "回车 开始练习（若设置了 $VISUAL/$EDITOR 会打开初始代码；返回后评测）· q 退出"
    assert f"╰ drill.softmax\n{start}\n\n╭ 小结" in term.screen and log[1:] == ["closed"] and reviews(store) == []


def test_a_drill_in_an_exam(monkeypatch, store, drill_bank, drills_run):
    from quiz.drill_ui import Outcome

    log, outcomes = drills_run
    outcomes.extend([Outcome(passed=True, attempts=3), Outcome(passed=False, attempts=1, hints=2)])
    term = Term(monkeypatch, " ", 9, "\r")
    session = exam_session(store, drill_bank, ["drill.softmax", "drill.softmax"])
    assert interactive.exam(session, drill_bank, "zh", random.Random(3)) == 0
    assert reviews(store) == [("drill.softmax", 3, "pass after 3 attempt(s), 0 hint(s)", 1, 0),
                              ("drill.softmax", 1, "fail after 1 attempt(s), 2 hint(s)", 0, 9000)]  # fmt: skip
    assert [entry[:4] for entry in log[1:3]] == [("practice", "softmax", "zh", True)] * 2 and log[3] == "closed"
    assert "(the drill's own screens)\n\n╭ 模拟面试 · 第 2/2 题" in term.screen  # the verdict was the answer screen
    assert "(the drill's own screens)\n╭ 模拟面试结果\n│ 答对 1/2，用时 0 分 9 秒\n" in term.screen


def test_the_verifier_runs_under_a_spinner_and_shows_a_parametric_cards_draw(monkeypatch, bank, verifier_runs):
    out = io.StringIO()
    monkeypatch.setattr(ui, "console", Console(file=out, width=80, force_terminal=True, highlight=False))
    monkeypatch.setattr(time, "monotonic", lambda: START)  # the spinner's frame
    p = cards.present(bank.by_id["inter.draw"], "zh", random.Random(3))
    interactive.run_verifier("attention_scaling", None, "zh", p)
    text = out.getvalue()
    assert text.startswith("\x1b[?25l\x1b[32m⠋\x1b[0m 正在运行验证程序 attention_scaling（加载 torch）…\n")
    assert "验证程序 attention_scaling · 0.25 s" in text and "\x1b[1m本次取值：d_k = 32\x1b[0m" in text
    assert "按公式计算本次取值：qk_variance() = 32" in text and verifier_runs == [("attention_scaling", True)]


def test_the_daily_limit_note_when_the_queue_runs_dry(monkeypatch, store, bank):
    term = Term(monkeypatch, " ", "4")
    session = Session.start(bank, store, limits=Limits(new_per_day=1), clock=lambda: T0)
    session.started = START
    assert interactive.study(session, bank, "en", random.Random(3)) == 0
    note = "The daily limit of new cards (1) is reached (1 introduced today); 4 new\ncards are still waiting."
    assert in_order(term.screen, [f"\n\nNo more cards for now. 🎉\n{note}", "\n╭ summary\n│ Cards done: 1\n"]) == []
    assert "[yellow]The daily limit of new cards (1) is reached" in markup(term.styled)


def test_a_cram_session_shows_its_badge(monkeypatch, store, bank):
    term = Term(monkeypatch, "c", "2")
    session = Session(store, deque([Item(bank.by_id["inter.pick"], is_new=False)]), cram=True, clock=lambda: T0)
    assert interactive.study(session, bank, "zh", random.Random(3)) == 0
    assert "╭ 交互 · 选择题 · ★★☆   已完成 0 · 待复习 1 · 新卡 0  突击\n" in term.screen
    assert " 1 重来 -   2 困难 -   3 良好 -   4 简单 -\n" in term.screen and reviews(store) == [("inter.pick", 2, "c", 1, 0)]


def failing_answers(monkeypatch, session, errors):
    """session.answer raises these errors in turn (True: busy, False: another failure), then records."""
    real, calls = session.answer, []

    def answer(rating, **kw):
        calls.append(rating)
        if errors:
            busy = errors.pop(0)
            message = ("your answer to inter.why (Good) was not saved: the disk is full, a message longer than the "
                       "terminal is wide")  # fmt: skip
            raise AnswerNotSaved("the store is busy" if busy else message, busy=busy)
        return real(rating, **kw)

    monkeypatch.setattr(session, "answer", answer)
    return calls


def test_a_busy_store_is_retried_then_the_learner_chooses(monkeypatch, store, bank):
    """Two automatic retries of a busy store, then the choice; r starts the count again; any other failure is one
    line and the same choice."""
    term = Term(monkeypatch, " ", "3", "x", "r", "r")
    session = study_session(store, bank, ["inter.why"])
    calls = failing_answers(monkeypatch, session, [True, True, True, True, True, False])
    assert interactive.study(session, bank, "en", random.Random(3)) == 0
    assert calls == [3] * 7 and reviews(store) == [("inter.why", 3, None, None, 0)]
    retry = "another quiz is writing; retrying..."
    long = ("Error: your answer to inter.why (Good) was not saved: the disk is full, a message longer than the terminal "
            "is wide")  # fmt: skip
    assert in_order(term.screen, [
        f"q quit\n{retry}\n{retry}\nError: the store is busy\nr to retry, q to quit\n{retry}\n{retry}\n{long}\n"
        "r to retry, q to quit\n\nNo more cards"]) == []  # fmt: skip
    assert in_order(markup(term.styled), [f"[yellow]{retry}[/]", "[bold red]Error: the store is busy[/]",
                                          "[dim]r to retry, q to quit[/]", f"[bold red]{long}[/]"]) == []  # fmt: skip


def test_q_after_a_failed_save_ends_with_status_1_in_chinese(monkeypatch, store, bank):
    term = Term(monkeypatch, " ", "3", "q")
    session = study_session(store, bank, ["inter.why"])
    calls = failing_answers(monkeypatch, session, [True, True, False])
    assert interactive.study(session, bank, "zh", random.Random(3)) == 1
    assert calls == [3, 3, 3] and reviews(store) == []
    retry = "另一个 quiz 正在写入；重试中..."
    assert in_order(term.screen, [f"{retry}\n{retry}\n错误：your answer to inter.why (Good) was not saved",
                                  "\nr 重试，q 退出\n\n╭ 小结"]) == []  # fmt: skip
    assert f"[yellow]{retry}[/]" in markup(term.styled)


def raise_(exc):
    def go():
        raise exc

    return go


def test_ctrl_c_ends_a_session_with_130_after_a_blank_line_and_the_summary(monkeypatch, store, bank):
    term = Term(monkeypatch, " ", "3", 61, raise_(KeyboardInterrupt))
    session = study_session(store, bank, ["inter.why", "inter.pick"])
    assert interactive.study(session, bank, "en", random.Random(3)) == 130
    assert "Press a letter   u: undo   q: quit\n\n╭ summary\n│ Cards done: 1\n│ Time: 1m 1s\n" in term.screen
    term = Term(monkeypatch, " ", "y", 2, raise_(KeyboardInterrupt))
    session = exam_session(store, bank, ["inter.why", "inter.pick"])
    assert interactive.exam(session, bank, "en", random.Random(3)) == 130
    assert "Press a letter   q: quit\n\n╭ mock interview result\n│ 1/1 correct in 0m 2s\n" in term.screen


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGQUIT"])
def test_a_stop_signal_ends_a_session_like_ctrl_c_with_128_plus_the_signal(monkeypatch, store, bank, name):
    sig = getattr(signal, name)
    before = signal.getsignal(sig)
    term = Term(monkeypatch, " ", "3", lambda: os.kill(os.getpid(), sig), "a")
    session = study_session(store, bank, ["inter.why", "inter.pick"])
    assert interactive.study(session, bank, "en", random.Random(3)) == 128 + sig
    assert "Press a letter   u: undo   q: quit\n\n╭ summary\n│ Cards done: 1\n" in term.screen
    assert signal.getsignal(sig) is before and reviews(store) == [("inter.why", 3, None, None, 0)]


def test_finish_prints_the_summary_unless_the_terminal_is_gone():
    for exc, status in [(None, 0), (KeyboardInterrupt(), 130), (interactive.NotSaved(), 1), (interactive.Stopped(15), 143),
                        (interactive.Stopped(1), 129)]:  # fmt: skip
        out = io.StringIO()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(ui, "console", Console(file=out, width=40))
            assert interactive.finish(lambda: "the summary", exc) == status
        assert out.getvalue() == ("" if exc is None else "\n") + "the summary\n"
    printed = []

    class Gone:  # SIGHUP: the terminal is gone, so printing fails (EIO, or a closed file)
        def __init__(self, error):
            self.error = error

        def print(self, *args, **kw):
            printed.append(args)
            raise self.error

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ui, "console", Gone(OSError("EIO")))
        assert interactive.finish(lambda: "the summary", interactive.Stopped(1)) == 129
        mp.setattr(ui, "console", Gone(ValueError("I/O operation on closed file")))
        assert interactive.finish(lambda: "the summary", None) == 0
    assert printed == [(), ("the summary",)]


@pytest.mark.parametrize("ids, keys", [
    (["inter.pick"], ["q", "a", "1"]),         # q at an mcq's question
    (["inter.why"], ["Q", " ", "3"]),          # at a flashcard's question (upper case too)
    (["inter.why"], [" ", "q", "3"]),          # at the rating keys
    (["inter.var"], ["q\r", "64", "3"]),       # typed as an answer
    (["inter.gaps"], [":Q", "15", "80%", "3"]),  # or as :q
])  # fmt: skip
def test_q_ends_the_session_wherever_it_is_pressed(monkeypatch, store, bank, ids, keys):
    """q (and typed q or :q) quits at once: what would have followed is never read, nothing more is saved."""
    term = Term(monkeypatch, *keys)
    session = study_session(store, bank, ids)
    assert interactive.study(session, bank, "en", random.Random(3)) == 0
    assert reviews(store) == [] and "\n\n╭ summary\n│ Cards done: 0\n" in term.screen


def test_q_at_the_self_grade_and_before_a_drill(monkeypatch, store, drill_bank, drills_run):
    from quiz.drill_ui import Outcome

    log, outcomes = drills_run
    outcomes.append(Outcome(passed=True, attempts=1))
    term = Term(monkeypatch, " ", "q", "y")
    assert interactive.exam(exam_session(store, drill_bank, ["inter.why"]), drill_bank, "en", random.Random(3)) == 0
    assert reviews(store) == [] and "╭ mock interview result\n│ 0/0 correct in 0m 0s\n" in term.screen
    Term(monkeypatch, "q", " ", "\r")
    session = exam_session(store, drill_bank, ["drill.softmax"])
    assert interactive.exam(session, drill_bank, "en", random.Random(3)) == 0
    assert [entry for entry in log if entry[0] == "practice"] == [] and reviews(store) == []


def test_u_at_an_mcq_or_a_typed_u_takes_back_the_previous_answer(monkeypatch, store, bank):
    term = Term(monkeypatch, " ", "3", "U", " ", "4", "b", "1", ":U", "b", "3", "64", "1")  # each showing reshuffles
    session = study_session(store, bank, ["inter.why", "inter.pick", "inter.var"])
    assert interactive.study(session, bank, "en", random.Random(3)) == 0
    assert reviews(store) == [("inter.why", 4, None, None, 0), ("inter.pick", 3, "b", 1, 0), ("inter.var", 1, "64", 1, 0)]
    assert in_order(term.screen, ["Press a letter   u: undo   q: quit\nUndid your answer to inter.why; it is shown again.",
                                  "Answer › :U\nUndid your answer to inter.pick; it is shown again."]) == []  # fmt: skip


def test_u_at_a_rating_screen_and_the_verifier_of_a_parametric_card_in_chinese(monkeypatch, store, bank, verifier_runs):
    term = Term(monkeypatch, " ", "3", "32", "v", "u", " ", "3", "32", "3")
    session = study_session(store, bank, ["inter.why", "inter.draw"])
    assert interactive.study(session, bank, "zh", random.Random(3)) == 0
    assert reviews(store) == [("inter.why", 3, None, None, 0), ("inter.draw", 3, "32", 1, 0)]
    assert in_order(term.screen, ["│ 本次取值：d_k = 32\n│ 按公式计算本次取值：qk_variance() = 32\n╰\n",
                                  "q 退出\n已撤销对 inter.why 的回答，重新显示。\n"]) == []  # fmt: skip


def test_a_timed_exam_in_chinese_with_typed_answers_and_a_busy_store(monkeypatch, store, bank):
    term = Term(monkeypatch, WAIT, "64", "x", "r", WAIT, "15", 70, WAIT)
    session = exam_session(store, bank, ["inter.var", "inter.gaps"])
    failing_answers(monkeypatch, session, [True, True, True])
    assert interactive.exam(session, bank, "zh", random.Random(3), minutes=1) == 0
    retry = "另一个 quiz 正在写入；重试中..."
    assert in_order(term.screen, [
        "[剩余 1:00] 答案 › ↺[剩余 0:59] 答案 › 64\n",
        f"{retry}\n{retry}\n错误：the store is busy\nr 重试，q 退出\n",
        "[剩余 0:59] 空 1 › ↺[剩余 0:58] 空 1 › 15\n[剩余 0:58] 空 2 › ↺[剩余 0:00] 空 2 ›\n时间到。\n",
        "│ 答对 1/2，用时 1 分 13 秒\n"]) == []  # fmt: skip


def test_the_daily_limit_note_and_a_failed_answers_file_in_chinese(monkeypatch, store, bank):
    term = Term(monkeypatch, " ", "4")
    session = Session.start(bank, store, limits=Limits(new_per_day=1), clock=lambda: T0)
    session.started = START
    assert interactive.study(session, bank, "zh", random.Random(3)) == 0
    assert "\n\n今天的卡片都复习完了。🎉\n今天的新卡上限 1 张已用完（今天已学 1 张）；还有 4\n张新卡。" in term.screen
    term = Term(monkeypatch)
    session = exam_session(store, bank, ["inter.why"])
    failing_answers(monkeypatch, session, [False])
    assert interactive.scripted_exam(session, bank, "zh", random.Random(3), ["是"]) == 1
    assert "\n错误：your answer to inter.why (Good) was not saved" in term.screen
