"""One real session through a pseudo-terminal: what a user types is what gets stored."""

import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pexpect

FIXTURE = Path(__file__).parent / "data" / "bank"


def spawn(quiz_home, *args):
    env = {**os.environ, "QUIZ_HOME": str(quiz_home), "QUIZ_QUESTIONS_DIR": str(FIXTURE), "QUIZ_LANG": "en",
           "COLUMNS": "100", "TERM": "xterm"}  # fmt: skip
    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    return pexpect.spawn(quiz, ["study", *args], env=env, encoding="utf-8", timeout=20, dimensions=(50, 100))


def test_three_cards_through_a_real_terminal(quiz_home):
    child = spawn(quiz_home, "--seed", "1")
    # 1. flashcard: reveal with Enter, rate Easy
    child.expect("Why divide attention logits")
    child.expect("show answer")
    child.send("\r")
    child.expect("keep their variance near 1")
    child.expect("1-4 rate")
    child.send("4")
    # 2. mcq: the right answer's letter is on screen; pick it, accept the proposed Good
    child.expect("What does the sqrt")
    child.expect(r"([a-c])\) (?:\x1b\[[0-9;]*m)*The growth of the dot product")
    letter = child.match.group(1)
    child.expect("Press a letter")
    child.send(letter)
    child.expect("Right")
    child.expect("Enter Good")
    child.send("\r")
    # 3. numeric: a typo first, then a wrong number, override the proposed Again with Hard
    child.expect("Var\\(q·k\\) for d_k = 64")
    child.expect("Your answer")
    child.sendline("sixty-four")
    child.expect("Not a number")
    child.sendline("6.4e1")
    child.expect("Right")
    child.expect("1-4 rate")
    child.send("2")
    # quit at the next card: the summary still prints
    child.expect("BERT selects")
    child.expect("Gap 1")
    child.sendline("q")
    child.expect("Cards done: 3")
    child.expect("Accuracy: 100%")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    conn = sqlite3.connect(quiz_home / "quiz.db")
    rows = conn.execute("SELECT question_id, rating, answer, correct FROM reviews ORDER BY id").fetchall()
    assert rows == [
        ("basics.scale-why", 4, None, None),
        ("basics.scale-mcq", 3, letter, 1),
        ("basics.var-d64", 2, "6.4e1", 1),
    ]
    cards = dict(conn.execute("SELECT question_id, state FROM cards").fetchall())
    assert set(cards) == {"basics.scale-why", "basics.scale-mcq", "basics.var-d64"}
    assert cards["basics.scale-why"] == 2  # Easy on a new card graduates it straight to Review


def test_ctrl_c_keeps_answered_cards_and_prints_summary(quiz_home):
    child = spawn(quiz_home, "--seed", "2")
    child.expect("show answer")
    child.send("\r")
    child.expect("1-4 rate")
    child.send("3")
    child.expect("Press a letter")
    child.sendintr()
    child.expect("Cards done: 1")
    child.expect(pexpect.EOF)
    conn = sqlite3.connect(quiz_home / "quiz.db")
    assert conn.execute("SELECT question_id, rating FROM reviews").fetchall() == [("basics.scale-why", 3)]


def test_undo_takes_back_the_last_answer(quiz_home):
    child = spawn(quiz_home, "--seed", "3")
    child.expect("show answer")
    child.send("\r")
    child.expect("1-4 rate")
    child.send("1")
    child.expect("Press a letter")
    child.send("a")
    child.expect("1-4 rate")
    child.send("u")
    child.expect("Undid your answer to basics.scale-why")
    child.expect("Why divide attention logits")
    child.expect("show answer")
    child.send("\r")
    child.expect("1-4 rate")
    child.send("3")
    child.expect("Press a letter")
    child.send("q")
    child.expect(pexpect.EOF)
    conn = sqlite3.connect(quiz_home / "quiz.db")
    live = conn.execute("SELECT question_id, rating FROM reviews WHERE id NOT IN (SELECT review_id FROM undone)")
    assert live.fetchall() == [("basics.scale-why", 3)]


def test_mock_interview_scores_and_never_reschedules(quiz_home):
    env = {**os.environ, "QUIZ_HOME": str(quiz_home), "QUIZ_QUESTIONS_DIR": str(FIXTURE), "QUIZ_LANG": "en"}
    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    child = pexpect.spawn(quiz, ["exam", "-n", "4", "--seed", "5"], env=env, encoding="utf-8", timeout=20,
                          dimensions=(50, 100))  # fmt: skip
    answered = 0
    while answered < 4:
        i = child.expect(["show answer", "Press a letter", "Your answer", "Gap 1"])
        if i == 0:
            child.send("\r")
            child.expect("y / n")
            child.send("y")
        elif i == 1:
            child.send("z")  # not a choice: ignored
            child.send("a")
        elif i == 2:
            child.sendline("64")
        else:
            child.sendline("15%")
        answered += 1
    child.expect(r"(\d)/4 correct")
    score = int(child.match.group(1))
    child.expect(pexpect.EOF)
    conn = sqlite3.connect(quiz_home / "quiz.db")
    assert conn.execute("SELECT count(*) FROM cards").fetchone()[0] == 0  # nothing rescheduled
    rows = conn.execute("SELECT correct, cram FROM reviews").fetchall()
    assert len(rows) == 4 and all(cram == 1 for _, cram in rows)
    assert sum(c for c, _ in rows) == score


def test_v_runs_the_cards_verifier_and_e_shows_sources(quiz_home):
    child = spawn(quiz_home, "--seed", "1")
    child.expect("show answer")
    child.send("\r")
    child.expect("1-4 rate")
    child.send("e")
    child.expect("Vaswani et al. 2017")
    child.send("v")
    child.expect("verifier attention_scaling", timeout=60)
    child.expect("var_scaled_d64")
    child.expect("PASS")
    child.send("3")
    child.expect("Press a letter")
    child.send("q")
    child.expect("Cards done: 1")
    child.expect(pexpect.EOF)
