"""The study session through a real pseudo-terminal at 80x24: keys sent in one write, learning cards over
simulated days (QUIZ_NOW), both languages, and the exam from an answers file."""

import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pexpect

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
