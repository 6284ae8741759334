"""Numbers with units, "About how many" cards, the tolerance shown before answering, cloze gap by gap."""

import random

import pytest

from quiz import cards, grading
from quiz.bank import Numeric, Question, Text


@pytest.mark.parametrize(("text", "unit", "value"), [
    ("14 GB", "GB", 14.0),
    ("14GB", "", 14e9),
    ("14 GB", "bytes", 14e9),
    ("7B params", "parameters", 7e9),
    ("7B parameters", "", 7e9),
    ("7 billion", "", 7e9),
    ("70亿参数", "parameters", 7e9),
    ("3.1e23 FLOPs", "FLOPs", 3.1e23),
    ("3.1e23 FLOPs", "", 3.1e23),
    ("12 tokens", "tokens", 12.0),
    ("66 pairs", "pairs", 66.0),
    ("8×", "×", 8.0),
    ("2 GiB", "GiB", 2.0),
    ("12 hours", "hours", 12.0),
])  # fmt: skip
def test_a_unit_after_the_number_is_understood(text, unit, value):
    assert grading.parse_number(text, unit=unit) == pytest.approx(value)


@pytest.mark.parametrize(("text", "unit"), [("12 apples", ""), ("14 MB", "GB"), ("12 pairs x", "pairs"), ("7Bx", "")])
def test_a_number_with_a_foreign_word_is_not_a_number(text, unit):
    value = grading.parse_number(text, unit=unit)
    assert value is None or (unit == "GB" and value == 14e6)  # 14 MB is 14e6: wrong for a card in GB, not 14


def numeric(prompt: str, value: float, tolerance: float, unit: str = "parameters") -> Question:
    return Question(id="t.n", topic="t", type="numeric", difficulty=1, prompt=Text(prompt, prompt),
                    answer=Text("", ""),
                    numeric=Numeric(value=value, value_from=None, compute=None, tolerance=tolerance, unit=unit))  # fmt: skip


def test_about_how_many_accepts_one_or_two_significant_figures_and_nothing_looser():
    p = cards.present(numeric("About how many parameters does Mixtral 8x7B have in total?", 46.7e9, 0.03), "en",
                      random.Random(0))  # fmt: skip
    assert p.about and not p.exact
    assert [cards.grade(p, a) for a in ("50B", "47B", "46.7B", "45B", "40B", "5e10", "60B")] == [
        True, True, True, False, False, True, False]  # fmt: skip
    strict = cards.present(numeric("How many parameters does Mixtral 8x7B have in total?", 46.7e9, 0.03), "en",
                           random.Random(0))  # fmt: skip
    assert not strict.about and not cards.grade(strict, "50B") and cards.grade(strict, "47B")


def test_the_hint_states_the_tolerance_or_exactness_before_answering():
    from quiz import ui

    about = cards.present(numeric("About how many parameters does BERT-large have?", 340e6, 0.03), "en",
                          random.Random(0))  # fmt: skip
    assert ui.numeric_hint(about) == "in parameters · graded within ±3% · or rounded to 1-2 significant figures"
    exact = cards.present(numeric("How many pairs?", 78, 0.001, "pairs"), "zh", random.Random(0))
    assert ui.numeric_hint(exact) == "单位：对 · 须给出精确值"
    loose = cards.present(numeric("GELU(-1)?", -0.1587, 0.01, ""), "en", random.Random(0))
    assert ui.numeric_hint(loose) == "graded within ±1%"


def cloze() -> cards.Presented:
    q = Question(id="t.c", topic="t", type="cloze", difficulty=1,
                 prompt=Text("{{Pre-LN|pre-norm}} puts the norm {{before}} the {{sublayer}}.",
                             "{{Pre-LN|pre-norm}} 把归一化放在{{子层|sublayer}}{{之前|before}}。"), answer=None)  # fmt: skip
    return cards.present(q, "en", random.Random(0))


def test_cloze_is_graded_gap_by_gap():
    p = cloze()
    assert "[1]____" in p.prompt and "[3]____" in p.prompt  # a marker never separates from its blank
    assert cards.grade_gaps(p, ["pre norm", "after", ""]) == [True, False, False]
    assert cards.grade(p, ["Pre-LN", "before", "layer"]) is False
    assert cards.grade(p, ["pre-LN", "Before", "sub-layer"]) is True  # hyphen or not
    assert cards.grade(p, ["Pre-LN", "before", "sublayer"]) is True


def test_the_answer_panel_marks_each_gap_and_shows_an_empty_gap_as_empty():
    from rich.console import Console

    from quiz import ui

    p = cloze()
    console = Console(width=80, record=True, color_system=None)
    console.print(ui.answer_panel(p, False, ["pre norm", "after", ""]))
    text = console.export_text()
    assert "[1] ✓ pre norm" in text
    assert "[2] ✗ after   answer: before" in text
    assert "[3] ✗ (empty)   answer: sublayer" in text
    assert " | " not in text


@pytest.mark.parametrize(("prompt", "about"), [
    ("About how many parameters does BERT-large have?", True),
    ("By roughly what factor do the gradients shrink?", True),
    ("Roughly what fraction of the cache is kept?", True),
    ("大约需要多少次浮点运算？", True),
    ("The rounding error is roughly uniform on [-s/2, s/2]. What is its RMS?", False),
    ("How many parameters does one LayerNorm have?", False),
    ("What is true about the causal mask? How many pairs remain?", False),
])  # fmt: skip
def test_about_questions_are_recognised_by_what_they_ask(prompt, about):
    assert grading.is_about(prompt) is about
