"""Drills through a real pseudo-terminal, with $EDITOR a script that writes a wrong and then a right
solution: `quiz drill softmax` and a drill card in `quiz study --type drill`. Then the database and the
attempt history are checked."""

import io
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "bank"
EDITOR = Path(__file__).parent / "data" / "drill_editor.py"
SOFTMAX = ROOT / "drills" / "softmax"


def spawn(quiz_home, tmp_path, *args, editor=True):
    env = {**os.environ, "QUIZ_HOME": str(quiz_home), "QUIZ_QUESTIONS_DIR": str(FIXTURE), "QUIZ_LANG": "en",
           "COLUMNS": "100", "TERM": "xterm", "EDITOR": f"{sys.executable} {EDITOR}",
           "QUIZ_DRILLS_DIR": str(ROOT / "drills"),
           "DRILL_EDITOR_STATE": str(tmp_path / "editor-calls"),
           "DRILL_EDITOR_WRONG": str(SOFTMAX / "wrong_no_max_subtraction.py"),
           "DRILL_EDITOR_RIGHT": str(SOFTMAX / "reference.py")}  # fmt: skip
    env.pop("VISUAL", None)
    if not editor:
        env.pop("EDITOR")
    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    return pexpect.spawn(quiz, list(args), env=env, encoding="utf-8", timeout=90, dimensions=(60, 100))


def reviews(quiz_home):
    conn = sqlite3.connect(quiz_home / "quiz.db")
    return conn.execute("SELECT question_id, rating, correct FROM reviews ORDER BY id").fetchall()


def history(quiz_home):
    d = quiz_home / "drills" / "history" / "softmax"
    return [json.loads(p.read_text())["passed"] for p in sorted(d.glob("*.json"))]


def test_quiz_drill_wrong_then_right_with_a_hint(quiz_home, tmp_path):
    child = spawn(quiz_home, tmp_path, "drill", "softmax")
    child.expect("Stable softmax")
    child.expect("stub was written")
    child.expect("FAIL: finite_on_extreme_inputs")  # the editor wrote the overflow mistake
    child.expect("expected:")
    child.expect("How to fix finite_on_extreme_inputs")
    child.expect("show the reference")
    child.send("h")
    child.expect("Hint 1/3")
    child.expect("same constant")
    child.send("\r")  # edit again: the editor writes the right solution
    child.expect("PASS: all 8 checks passed")
    child.expect("Enter Hard")  # passed after a failed attempt and a hint
    child.send("\r")
    child.expect("Recorded Hard for drill.softmax")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert reviews(quiz_home) == [("drill.softmax", 2, 1)]
    assert history(quiz_home) == [False, True]
    assert (tmp_path / "editor-calls").read_text() == "2"
    assert (quiz_home / "drills" / "softmax.py").read_text() == (SOFTMAX / "reference.py").read_text()


def test_drill_card_in_study(quiz_home, tmp_path):
    child = spawn(quiz_home, tmp_path, "study", "--type", "drill", "--topic", "attention", "--tag", "softmax")
    child.expect("coding drill")
    child.expect(r"softmax\(x: torch.Tensor")
    child.expect("Enter starts the drill")
    child.send("\r")
    child.expect("FAIL: finite_on_extreme_inputs")
    child.expect("Enter edit and judge again")
    child.send("\r")
    child.expect("PASS")
    child.expect("Enter Hard")
    child.send("1")  # override the proposed Hard with Again, as on any auto-graded card
    child.expect("Enter starts the drill")  # Again: a learning step, so the card comes back this session
    child.send("q")
    child.expect("Cards done: 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert reviews(quiz_home) == [("drill.softmax", 1, 1)]
    assert history(quiz_home) == [False, True]


def test_drill_card_in_exam_is_judged_without_hints(quiz_home, tmp_path):
    child = spawn(quiz_home, tmp_path, "exam", "-n", "1", "--type", "drill", "--topic", "attention", "--tag", "softmax")
    child.logfile_read = log = io.StringIO()
    child.expect("Enter starts the drill")
    child.send("\r")
    child.expect("FAIL: finite_on_extreme_inputs")
    child.expect("q give up")
    child.send("h")  # no hints in an exam: ignored
    child.send("\r")
    child.expect("PASS")
    child.expect(pexpect.EOF)
    child.close()
    assert "PASS" in log.getvalue() and "Hint" not in log.getvalue()
    assert child.exitstatus == 0
    conn = sqlite3.connect(quiz_home / "quiz.db")
    assert conn.execute("SELECT question_id, correct, cram FROM reviews").fetchall() == [("drill.softmax", 1, 1)]


def test_without_an_editor_enter_judges_and_the_reference_only_after_an_attempt(quiz_home, tmp_path):
    child = spawn(quiz_home, tmp_path, "drill", "softmax", editor=False)
    child.logfile_read = log = io.StringIO()
    child.expect("press Enter to judge")
    child.send("r")  # no reference before the first attempt
    child.send("\r")  # judge the untouched stub
    child.expect("NotImplementedError")
    assert "Reference solution" not in log.getvalue()
    child.expect("Save your changes, then Enter judges again")
    child.send("r")
    child.expect("Reference solution")
    child.expect("amax")
    (quiz_home / "drills" / "softmax.py").write_text((SOFTMAX / "reference.py").read_text())  # "edits" elsewhere
    child.send("\r")
    child.expect("PASS")
    child.expect("Enter Again")  # the reference was shown: a pass after it still counts as a fail
    child.send("\r")
    child.expect("Recorded Again")
    child.expect(pexpect.EOF)
    assert reviews(quiz_home) == [("drill.softmax", 1, 0)]
