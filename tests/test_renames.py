"""renamed_from carries progress: a renamed or merged question keeps its card state and its review log."""

import os
import shutil
import sys

import pexpect

from quiz import scheduler
from quiz.bank import Bank, Question
from quiz.store import Store


def at(t, rating=3):
    from datetime import datetime, timezone

    def schedule(state):
        return scheduler.review(state, rating, datetime.fromtimestamp(t, timezone.utc))

    return schedule


def test_merged_ids_move_to_the_kept_card_with_the_most_recent_state(quiz_home):
    store = Store.open(quiz_home)
    store.record("t.old-a", 3, now=1000.0, schedule=at(1000.0))
    store.record("t.old-b", 3, now=2000.0, schedule=at(2000.0))
    store.record("t.old-b", 3, now=9000.0, schedule=at(9000.0))
    b_state = store.card("t.old-b")
    assert store.adopt_renamed({"t.old-a": "t.kept", "t.old-b": "t.kept"}) == ["t.old-a", "t.old-b"]
    assert store.known_ids() == {"t.kept"}
    assert store.card("t.kept")["last_review"] == b_state["last_review"] == 9000.0  # the newest state wins
    assert store.card("t.kept")["stability"] == b_state["stability"]
    assert [r["question_id"] for r in store.reviews()] == ["t.kept"] * 3  # every review follows
    assert store.adopt_renamed({"t.old-a": "t.kept", "t.old-b": "t.kept"}) == []  # once only


def test_a_new_id_with_its_own_progress_is_left_alone(quiz_home):
    store = Store.open(quiz_home)
    store.record("t.old", 3, now=1000.0, schedule=at(1000.0))
    store.record("t.new", 3, now=5000.0, schedule=at(5000.0))
    assert store.adopt_renamed({"t.old": "t.new"}) == []
    assert store.known_ids() == {"t.old", "t.new"} and store.card("t.new")["last_review"] == 5000.0
    assert sorted(r["question_id"] for r in store.reviews()) == ["t.new", "t.old"]


def test_bank_renames_only_ids_no_question_uses():
    q = dict(type="flashcard", difficulty=1, tags=(), prompt=None, answer=None, explanation=None, sources=())
    kept = Question(id="t.kept", topic="t", renamed_from=("t.gone", "t.alive"), **q)
    alive = Question(id="t.alive", topic="t", **q)
    assert Bank((kept, alive)).renames == {"t.gone": "t.kept"}


def test_study_adopts_the_history_of_a_merged_card(quiz_home, tmp_path, monkeypatch):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "t.yaml").write_text(
        "topic: t\ntitle: {en: T, zh: T}\nquestions:\n"
        "  - id: t.kept\n    type: flashcard\n    difficulty: 1\n    renamed_from: [t.old]\n"
        "    prompt: {en: P?, zh: P？}\n    answer: {en: A, zh: A}\n    sources: [{url: 'https://e.org', title: e}]\n",
        encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(bank))
    store = Store.open(quiz_home)
    # Easy: the card graduates (due in days). A Good would leave it in learning, due in 10 minutes, and study
    # shows a learning card up to 20 minutes early when nothing else is left (the session branch's learn-ahead).
    store.record("t.old", 4, now=scheduler.utcnow().timestamp(), schedule=at(scheduler.utcnow().timestamp(), 4))
    store.close()
    env = {**os.environ, "QUIZ_HOME": str(quiz_home), "QUIZ_QUESTIONS_DIR": str(bank), "QUIZ_LANG": "en"}
    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    child = pexpect.spawn(quiz, ["study"], env=env, encoding="utf-8", timeout=30, dimensions=(24, 80))
    child.expect(pexpect.EOF)  # nothing is due: the adopted card was just reviewed (had it stayed new, it would show)
    assert "P?" not in child.before
    store = Store.open(quiz_home)
    assert store.known_ids() == {"t.kept"} and [r["question_id"] for r in store.reviews()] == ["t.kept"]
