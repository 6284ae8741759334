"""The study session through a real pseudo-terminal at 80x24: keys sent in one write, learning cards over
simulated days (QUIZ_NOW), both languages, and the exam from an answers file."""

import os
import random
import re
import shutil
import sqlite3
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pexpect
import pytest

FIXTURE = Path(__file__).parent / "data" / "bank"
QUIZ = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def spawn(quiz_home, *args, lang="en", now=None, cols=80, rows=24, bank=FIXTURE):
    env = {**os.environ, "QUIZ_HOME": str(quiz_home), "QUIZ_QUESTIONS_DIR": str(bank), "QUIZ_LANG": lang,
           "TERM": "xterm", "COLUMNS": str(cols), "LINES": str(rows)}  # fmt: skip
    env.pop("QUIZ_NOW", None)
    if now:
        env["QUIZ_NOW"] = now
    return pexpect.spawn(QUIZ, list(args), env=env, encoding="utf-8", timeout=20, dimensions=(rows, cols))


def reviews(quiz_home):
    conn = sqlite3.connect(quiz_home / "quiz.db")
    return conn.execute("SELECT question_id, rating, answer, correct FROM reviews WHERE id NOT IN "
                        "(SELECT review_id FROM undone) ORDER BY id").fetchall()  # fmt: skip


def test_keys_sent_in_one_write_are_all_honoured(quiz_home):
    child = spawn(quiz_home, "study", "--seed", "1")
    child.expect("show answer")
    child.send("\re3")  # reveal, explain, rate Good: one write
    child.expect("keep their variance near 1")
    child.expect("Vaswani et al. 2017")  # the explanation panel
    child.expect("What does the sqrt")  # rated: the next card
    child.expect(r"([a-c])\) (?:\x1b\[[0-9;]*m)*The growth of the dot product")
    letter = child.match.group(1)
    child.expect("Press a letter")
    child.send(letter + "\r6.4e1\r2")  # mcq pick + Enter (Good), then the numeric card's answer and Hard
    child.expect("Var\\(q·k\\)")
    child.expect("1-4 rate")
    child.expect("BERT selects")
    child.send("15 %\r4q\r")  # the next card is a learning card shown early: q (Enter ends a typed line)
    child.expect("Cards done: 4")
    child.expect(pexpect.EOF)
    assert reviews(quiz_home) == [
        ("basics.scale-why", 3, None, None),
        ("basics.scale-mcq", 3, letter, 1),
        ("basics.var-d64", 2, "6.4e1", 1),
        ("basics.mlm-cloze", 4, "15 %", 1),
    ]


# --- three study days in each language, at 80x24 ------------------------------------------------------------

STYLE = r"(?:\x1b\[[0-9;]*m)*"
S = {
    "en": {"flash": "Why divide attention logits", "mcq": "What does the sqrt", "numeric": "Var\\(q·k\\) for d_k = 64",
           "cloze": "BERT selects", "reveal": "show answer", "pick": "Press a letter", "answer": "Answer" + STYLE + " ›",
           "gap": "Gap 1" + STYLE + " ›", "rate": "1-4 rate", "choice": "The growth of the dot product",
           "welcome": "welcome to quiz",
           "done": "Cards done: {n}", "no_more": "No more cards", "undone": "Undid your answer to basics.var-d64",
           "source": "Vaswani et al. 2017", "verifier": "verifier attention_scaling", "exam": "4/4 correct",
           "missed": "Missed:"},
    "zh": {"flash": "为什么注意力分数要除以", "mcq": "sqrt\\(d_k\\) 缩放补偿的是什么", "numeric": "Var\\(q·k\\) 是多少",
           "cloze": "BERT 选择", "reveal": "显示答案", "pick": "按字母选择", "answer": "答案" + STYLE + " ›",
           "gap": "空 1" + STYLE + " ›",
           "rate": "1-4 评分", "choice": "点积方差随 d_k 增大", "welcome": "欢迎使用 quiz", "done": "完成：{n} 张",
           "no_more": "今天的卡片都复习完了", "undone": "已撤销对 basics.var-d64 的回答", "source": "Vaswani et al. 2017",
           "verifier": "验证程序 attention_scaling", "exam": "答对 4/4", "missed": "答错："},
}  # fmt: skip
DAY1 = datetime(2026, 3, 2, 9, 0, 0)


def mcq_letter(child, lang) -> str:
    child.expect(r"([a-c])\) " + STYLE + S[lang]["choice"])
    letter = child.match.group(1)
    child.expect(S[lang]["pick"])
    return letter


def session(quiz_home, lang, when: datetime, *args) -> tuple[pexpect.spawn, list[str]]:
    child = spawn(quiz_home, "study", "--seed", "1", *args, lang=lang, now=when.isoformat())
    log: list[str] = []
    child.logfile_read = _Collect(log)
    return child, log


class _Collect:
    def __init__(self, out: list[str]):
        self.out = out

    def write(self, s: str) -> None:
        self.out.append(s)

    def flush(self) -> None:
        pass


def screen_lines(log: list[str]) -> list[str]:
    """What the terminal showed, line by line (style codes and in-place redraws removed)."""
    text = ANSI.sub("", "".join(log))
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        out.append(line.split("\r")[-1])  # a line redrawn in place shows its last version
    return out


def assert_fits(log: list[str], width: int = 80) -> None:
    from rich.cells import cell_len

    too_wide = [line for line in screen_lines(log) if cell_len(line) > width]
    assert not too_wide, too_wide


def due_of(quiz_home) -> dict[str, float]:
    conn = sqlite3.connect(quiz_home / "quiz.db")
    return dict(conn.execute("SELECT question_id, due FROM cards").fetchall())


def panel(lines: list[str], title: str, last: bool = False) -> str:
    """The box whose top border holds `title` (the last such box with last=True)."""
    tops = [i for i, line in enumerate(lines) if line.startswith("╭") and title in line]
    start = tops[-1] if last else tops[0]
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    return "\n".join(lines[start : end + 1]) + "\n"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_three_study_days_at_80x24(quiz_home, lang, tmp_path):
    s = S[lang]
    # day 1, 09:00: the welcome, once; a new flashcard rated Again (due 09:01), then Ctrl-C-like quit
    child, log = session(quiz_home, lang, DAY1, "--new", "2")
    child.expect(s["welcome"])
    child.expect(s["flash"])
    child.expect(s["reveal"])
    child.send("\r1")  # reveal and Again, one write
    child.expect(s["mcq"])
    child.expect(s["pick"])
    child.send("q")
    child.expect(s["done"].format(n=1))
    child.expect(pexpect.EOF)
    assert_fits(log)
    assert due_of(quiz_home)["basics.scale-why"] == pytest.approx((DAY1 + timedelta(minutes=1)).timestamp(), abs=1)

    # 09:00:30: the Again card is not due yet and another card is waiting: that one comes first
    child, log = session(quiz_home, lang, DAY1 + timedelta(seconds=30), "--new", "2")
    child.expect(s["mcq"])
    child.expect(s["pick"])
    child.send("q")
    child.expect(pexpect.EOF)
    first = "".join(log)
    assert s["welcome"] not in first and re.search(s["flash"], first) is None

    # 09:01:30: the learning card has fallen due: it comes first, before the new card
    child, log = session(quiz_home, lang, DAY1 + timedelta(seconds=90), "--new", "2")
    child.expect(s["flash"])
    child.expect(s["reveal"])
    child.send("\r3")  # Good: the 10-minute step
    child.expect(s["mcq"])
    letter = mcq_letter(child, lang)
    child.send(letter + "4")  # Easy: graduates
    child.expect(s["flash"])  # nothing else left: the learning card is shown early (within 20 minutes)
    child.expect(s["reveal"])
    child.send("\r4")
    child.expect(s["no_more"])
    child.expect(s["done"].format(n=3))
    child.expect(pexpect.EOF)
    assert_fits(log)

    # day 2: two new cards; e twice prints once, v runs the proof, then rate, all in one write; u undoes
    day2 = DAY1 + timedelta(days=1)
    before = due_of(quiz_home)
    assert all(due > day2.timestamp() for due in before.values())  # nothing of day 1 is due yet
    child, log = session(quiz_home, lang, day2, "--new", "2")
    child.expect(s["numeric"])
    child.expect(s["answer"])
    child.send("64\reev3")
    child.expect(s["verifier"], timeout=90)
    child.expect("var_scaled_d64")
    child.expect(s["cloze"])
    child.expect(s["gap"])
    card_seen = "".join(log)
    child.send("u\r")  # on the question screen: take back the numeric answer
    child.expect(s["undone"])
    child.expect(s["numeric"])
    child.expect(s["answer"])
    child.send("60\r\r")  # wrong this time: Enter accepts the proposed Again (1 minute)
    child.expect(s["cloze"])
    child.expect(s["gap"])
    child.send("15 %\r1")  # right, but rated Again: also the 1-minute step
    child.expect(s["rate"])
    child.expect(s["cloze"])  # shown early: nothing else is left (earliest due first, then by id)
    child.expect(s["gap"])
    child.send("15%\r4")
    child.expect(s["numeric"])
    child.expect(s["answer"])
    child.send("64\r4")
    child.expect(s["no_more"])
    child.expect(s["done"].format(n=4))
    child.expect(s["missed"])  # the summary names the missed card by its prompt
    child.expect(s["numeric"])
    child.expect(pexpect.EOF)
    assert_fits(log)
    plain = ANSI.sub("", card_seen)
    assert plain.count(s["source"]) == 1  # e twice: the explanation once
    assert len(re.findall(s["rate"], plain)) == 3  # the bar, again after e, again after v
    lines = screen_lines(log)
    captures = {"card": panel(lines, "Basics" if lang == "en" else "基础"),
                "verifier": panel(lines, s["verifier"]), "summary": panel(lines, "summary" if lang == "en" else "小结")}
    evidence = os.environ.get("QUIZ_EVIDENCE_DIR")
    if evidence:
        for name, text in captures.items():
            Path(evidence, f"{lang}-{name}-80x24.txt").write_text(text, encoding="utf-8")
            Path(evidence, f"{lang}-day2-80x24.txt").write_text("\n".join(lines), encoding="utf-8")

    # day 3: when the last card falls due, all four are reviewed, and nothing earlier
    due = due_of(quiz_home)
    day3 = datetime.fromtimestamp(max(due.values())) + timedelta(seconds=60)
    assert day3.date() > day2.date()
    child, log = session(quiz_home, lang, day3)
    seen = []
    for _ in range(4):
        i = child.expect([s["flash"], s["mcq"], s["numeric"], s["cloze"]])
        seen.append(i)
        if i == 0:
            child.expect(s["reveal"])
            child.send("\r3")
        elif i == 1:
            child.send(mcq_letter(child, lang) + "\r")
        elif i == 2:
            child.expect(s["answer"])
            child.send("64\r\r")
        else:
            child.expect(s["gap"])
            child.send("15%\r\r")
        child.expect(s["rate"])  # past the answer panel (a cloze's answer repeats its prompt)
    child.expect(s["no_more"])
    child.expect(s["done"].format(n=4))
    child.expect(pexpect.EOF)
    assert sorted(seen) == [0, 1, 2, 3]
    assert_fits(log)
    conn = sqlite3.connect(quiz_home / "quiz.db")
    assert conn.execute("SELECT count(*) FROM reviews WHERE reviewed_at = ?", (day3.timestamp(),)).fetchone()[0] == 4

    # the exam from an answers file: scored, and the schedule untouched
    from quiz.bank import load
    from quiz.session import exam_queue

    bank, _ = load([FIXTURE])
    mcq = {"en": "The growth of the dot product's variance with d_k", "zh": "点积方差随 d_k 增大"}[lang]
    right = {"basics.scale-why": "y", "basics.scale-mcq": mcq, "basics.var-d64": "64 ", "basics.mlm-cloze": "15%"}
    ids = [i.question.id for i in exam_queue(bank, 4, random.Random(9))]
    answers = tmp_path / "answers.txt"
    answers.write_text("\n".join(right[i] for i in ids) + "\n", encoding="utf-8")
    before = due_of(quiz_home)
    child = spawn(quiz_home, "exam", "-n", "4", "--seed", "9", "--answers", str(answers), lang=lang)
    log = []
    child.logfile_read = _Collect(log)
    child.expect(s["exam"])
    child.expect(pexpect.EOF)
    assert_fits(log)
    assert due_of(quiz_home) == before


def test_a_scaffolded_card_with_todo_is_refused_with_the_q026_line(quiz_home, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE, bank)
    (bank / "drafts.yaml").write_text(
        "topic: drafts\ntitle: {en: Drafts, zh: 草稿}\nquestions:\n"
        "  - id: drafts.new-one\n    type: flashcard\n    difficulty: 1\n"
        "    prompt: {en: 'TODO: the question', zh: 'TODO: 问题'}\n    answer: {en: An answer., zh: 答案。}\n"
        "    sources: [{paper: 'Someone 2020', where: '1'}]\n", encoding="utf-8")  # fmt: skip
    child = spawn(quiz_home, "study", "--topic", "drafts", bank=bank)
    child.expect(r"drafts\.yaml:4:1: Q026 drafts\.new-one: placeholder TODO left in prompt")
    child.expect("No more cards")
    child.expect(pexpect.EOF)
