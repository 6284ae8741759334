"""Ctrl-C, SIGTERM, SIGHUP and SIGQUIT during a real session: the summary prints (while a terminal is
there), answered cards stay saved, and the exit status is the conventional 128 + signal."""

import signal
import sqlite3

import pexpect
import pytest
from test_e2e_pty import spawn


@pytest.mark.parametrize("how, status", [("ctrl-c", 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                         (signal.SIGQUIT, 131)])  # fmt: skip
def test_stop_signals_print_the_summary_and_exit_conventionally(quiz_home, how, status):
    child = spawn(quiz_home, "--seed", "2")
    child.expect("show answer")
    child.send("\r")
    child.expect("1-4 rate")
    child.send("4")
    child.expect("Press a letter")  # the first answer is saved; now waiting for a key
    if how == "ctrl-c":
        child.sendintr()
    else:
        child.kill(how)
    child.expect("Cards done: 1")
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in child.before
    assert child.exitstatus == status and child.signalstatus is None
    conn = sqlite3.connect(quiz_home / "quiz.db")
    assert conn.execute("SELECT question_id, rating FROM reviews").fetchall() == [("basics.scale-why", 4)]
    conn.close()
