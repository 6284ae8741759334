"""Pinned card presentation and grading (quiz/cards.py): every type, both languages, exact fields."""

import random

import pytest

from quiz import cards
from quiz.bank import Choice, Numeric, Param, Question, Text

T = Text


def mcq() -> Question:
    choices = (Choice(T("A", "甲"), False), Choice(T("B", "乙"), True), Choice(T("C", "丙"), False))
    return Question("t.mcq", "t", "mcq", 1, T("Pick", "选"), T("Why", "因为"), choices=choices)


def test_mcq_presentation_follows_the_shuffle_in_both_languages():
    for seed in range(6):
        order = list(range(3))
        random.Random(seed).shuffle(order)
        for lang, names in (("en", "ABC"), ("zh", "甲乙丙")):
            p = cards.present(mcq(), lang, random.Random(seed))
            assert p.choices == tuple(names[i] for i in order)
            assert p.correct_index == order.index(1) and p.choices[p.correct_index] == names[1]
            texts = ("Pick", "Why") if lang == "en" else ("选", "因为")
            assert (p.prompt, p.answer, p.lang, p.question.id) == (*texts, lang, "t.mcq")
            assert p.value is None and p.gaps == () and p.params == ()
            right = "abc"[p.correct_index]
            assert cards.grade(p, right) and cards.grade(p, right.upper())
            assert not any(cards.grade(p, x) for x in "abc" if x != right)


def test_mcq_without_a_correct_choice_has_index_minus_one():
    q = Question("t.x", "t", "mcq", 1, T("P", "P"), None, choices=(Choice(T("A", "A"), False),) * 2)
    p = cards.present(q, "en", random.Random(0))
    assert p.correct_index == -1 and p.answer == "" and not cards.grade(p, "a")


EMPTY = T("", "")


def numeric(value=None, unit="", answer=EMPTY, params=(), compute=None) -> Question:
    return Question("t.num", "t", "numeric", 1, T("How many for {d_k}?", "{d_k} 时多少？"), answer,
                    numeric=Numeric(value, None, compute, 0.05, unit), params=params)  # fmt: skip


def test_numeric_fixed_value():
    p = cards.present(numeric(4096, "bytes"), "en", random.Random(0))
    assert (p.value, p.answer, p.unit, p.params, p.prompt) == (4096, "4,096 bytes", "bytes", (), "How many for {d_k}?")
    p = cards.present(numeric(64, answer=T("d_k itself.", "等于六十四。")), "zh", random.Random(0))
    assert p.answer == "64。等于六十四。" and p.unit == ""  # main (1ce94b9): Chinese punctuation after the number
    p = cards.present(numeric(64, answer=T("Exactly 64", "")), "en", random.Random(0))
    assert p.answer == "Exactly 64"  # the number is already in the text: not repeated
    p = cards.present(numeric(64, answer=T("64", "")), "en", random.Random(0))
    assert p.answer == "64"
    p = cards.present(numeric(None), "en", random.Random(0))
    assert p.value is None and p.answer == "?" and not cards.grade(p, "64")


def test_numeric_parametric_draws_fills_and_grades():
    params = (Param("d_k", (16, 64, 256)),)
    q = numeric(None, "", T("{d_k} units, so {answer}.", "{d_k}，所以 {answer}。"), params, "qk_variance")
    for seed in range(5):
        d_k = random.Random(seed).choice((16, 64, 256))
        p = cards.present(q, "en", random.Random(seed))
        assert p.params == (("d_k", d_k),) and p.value == d_k
        assert p.prompt == f"How many for {d_k}?" and p.answer == f"{d_k} units, so {d_k}."
        assert cards.grade(p, str(d_k)) and not cards.grade(p, str(d_k * 2))
        zh = cards.present(q, "zh", random.Random(seed))
        assert zh.prompt == f"{d_k} 时多少？" and zh.answer == f"{d_k}，所以 {d_k}。" and zh.lang == "zh"
    p = cards.present(numeric(None, "", None, params, "qk_variance"), "en", random.Random(0))
    assert p.answer == f"{p.value:g}"  # no answer text: the number alone


def test_numeric_percent_unit_grading():
    p = cards.present(numeric(40, "%"), "en", random.Random(0))
    assert p.answer == "40 %" and cards.grade(p, "40%") and cards.grade(p, "40") and not cards.grade(p, "0.4")
    assert not cards.grade(p, "forty") and not cards.grade(p, "")


def cloze() -> Question:
    return Question("t.cz", "t", "cloze", 1, T("Divide by {{sqrt(d_k)|√d_k}}, keep {{variance}} near 1.",
                                              "除以 {{根号 d_k}}，让{{方差}}接近 1。"), T("Because.", "因为。"))  # fmt: skip


def test_cloze_presentation_and_grading():
    p = cards.present(cloze(), "en", random.Random(0))
    assert p.prompt == "Divide by [1]____, keep [2]____ near 1."  # main (1ce94b9): numbered gaps, no space
    assert p.gaps == (("sqrt(d_k)", "√d_k"), ("variance",))
    assert p.answer == "Divide by sqrt(d_k), keep variance near 1.\n\nBecause."
    assert cards.grade(p, ["√d_k", "Variance"]) and cards.grade(p, ["SQRT( d_k )", "variance"])
    assert not cards.grade(p, ["sqrt(d_k)", "mean"]) and not cards.grade(p, ["variance", "sqrt(d_k)"])
    assert not cards.grade(p, ["sqrt(d_k)"]) and not cards.grade(p, ["sqrt(d_k)", "variance", "x"])
    assert not cards.grade(p, "sqrt(d_k)")  # one string for two gaps
    zh = cards.present(cloze(), "zh", random.Random(0))
    assert zh.prompt == "除以 [1]____，让[2]____接近 1。" and zh.gaps == (("根号 d_k",), ("方差",))
    assert zh.answer == "除以 根号 d_k，让方差接近 1。\n\n因为。"
    one = Question("t.c1", "t", "cloze", 1, T("A {{bc}} d", "A {{bc}} d"), None)
    p1 = cards.present(one, "en", random.Random(0))
    assert p1.answer == "A bc d" and cards.grade(p1, "bc") and cards.grade(p1, ["bc"]) and not cards.grade(p1, "d")
    assert p.lang == "en" and zh.lang == "zh"


@pytest.mark.parametrize("qtype", ["flashcard", "errata"])
def test_self_rated_cards(qtype):
    q = Question("t.f", "t", qtype, 1, T("Why?", "为什么？"), T("So.", "所以。"))
    p = cards.present(q, "zh", random.Random(0))
    assert (p.prompt, p.answer, p.lang, p.choices, p.correct_index, p.value, p.gaps) == ("为什么？", "所以。", "zh", (),
                                                                                         -1, None, ())  # fmt: skip
    with pytest.raises(ValueError, match=f"{qtype} cards are self-rated"):
        cards.grade(p, "anything")
    assert cards.present(q, "en", random.Random(0)).answer == "So."
    assert cards.present(Question("t.g", "t", qtype, 1, T("Q", "Q"), None), "en", random.Random(0)).answer == ""
