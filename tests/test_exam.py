"""The mock interview: an answers file for scripts, the time limit, and no trace in the schedule or stats."""

import json
import os
import random
import sqlite3
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from quiz.bank import load
from quiz.cli import cli
from quiz.session import exam_queue

FIXTURE = Path(__file__).parent / "data" / "bank"
RIGHT = {"basics.scale-why": "y", "basics.scale-mcq": "The growth of the dot product's variance with d_k",
         "basics.var-d64": "64", "basics.mlm-cloze": "15%"}  # fmt: skip


@pytest.fixture(autouse=True)
def fixture_bank(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))


def order(seed: int) -> list[str]:
    bank, _ = load([FIXTURE])
    return [i.question.id for i in exam_queue(bank, 4, random.Random(seed))]


def test_an_answers_file_runs_the_exam_without_a_terminal(tmp_path, quiz_home):
    ids = order(7)
    # the cloze left unanswered; the flashcard: the candidate's own verdict, not known
    answers = {**RIGHT, "basics.var-d64": "6.4e1 ", "basics.mlm-cloze": "", "basics.scale-why": "n"}
    path = tmp_path / "answers.txt"
    path.write_text("\n".join(answers[i] for i in ids) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["exam", "-n", "4", "--seed", "7", "--answers", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2/4 correct" in result.output
    assert "Unanswered: basics.mlm-cloze" in result.output
    assert "Review these (quiz show ID): basics.scale-why" in result.output
    conn = sqlite3.connect(quiz_home / "quiz.db")
    rows = conn.execute("SELECT question_id, correct, cram FROM reviews ORDER BY id").fetchall()
    assert sorted(rows) == [("basics.scale-mcq", 1, 1), ("basics.scale-why", 0, 1), ("basics.var-d64", 1, 1)]
    assert conn.execute("SELECT count(*) FROM cards").fetchone()[0] == 0  # nothing scheduled
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--json"]).output)
    assert stats["total_reviews"] == 0 and all(t["reviews"] == 0 for t in stats["topics"])  # not reviews
    from quiz.store import Store

    assert Store.open(quiz_home).scheduled_reviews() == []  # what `quiz optimize` fits on


def test_an_answers_file_in_chinese(tmp_path):
    ids = order(3)
    path = tmp_path / "answers.txt"
    path.write_text("\n".join(RIGHT[i] if i != "basics.scale-mcq" else "点积方差随 d_k 增大" for i in ids),
                    encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["exam", "-n", "4", "--seed", "3", "--answers", str(path), "--lang", "zh"])
    assert result.exit_code == 0
    assert "答对 4/4" in result.output and "模拟面试结果" in result.output


def test_the_time_limit_is_enforced_while_a_question_is_open(quiz_home):
    env = {**os.environ, "QUIZ_HOME": str(quiz_home), "QUIZ_QUESTIONS_DIR": str(FIXTURE), "QUIZ_LANG": "en",
           "TERM": "xterm"}  # fmt: skip
    import shutil
    import sys

    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    child = pexpect.spawn(quiz, ["exam", "-n", "4", "--seed", "5", "--minutes", "0.05"], env=env, encoding="utf-8",
                          timeout=20, dimensions=(24, 80))  # fmt: skip
    child.expect(r"0:0([0-3]) left")
    first = int(child.match.group(1))
    child.expect(r"0:0([0-2]) left")  # the countdown moves while the question waits for an answer
    assert int(child.match.group(1)) < first
    child.expect("Time is up")
    child.expect(r"0/4 correct")
    child.expect("Unanswered: ")
    child.expect(pexpect.EOF)
    out = child.before
    assert out.count("basics.") == 4  # every question listed as unanswered
    conn = sqlite3.connect(quiz_home / "quiz.db")
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
