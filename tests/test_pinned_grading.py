"""Pinned numeric grading: every rule of parse_number and numeric_correct with an exact expected value.

The number rule, decided here: a comma, underscore or apostrophe is a thousands separator only between
groups of exactly three digits ("1,500" is 1500, "12,345,678" is 12345678). Anything else with a comma
("1,5", "0,5", "1,5000", "1,23,456") is ambiguous (a decimal comma? a typo?) and is NOT a number, so the
learner is asked again instead of being graded on a guess. The decimal mark is "." only. A space works
like the comma ("1 000" is 1000, "1 5" is not a number); other spaces (around a sign, a suffix, ×10^) are
ignored.
"""

import random

import pytest

from quiz import cards, grading
from quiz.bank import Numeric, Question, Text


@pytest.mark.parametrize(
    "text, expected",
    [
        # separators
        ("1,500", 1500.0), ("12,345,678", 12345678.0), ("1_000_000", 1e6), ("1'000", 1000.0),
        ("1,234.5", 1234.5), ("１，５００", 1500.0), ("1 000", 1000.0), ("1 000 000", 1e6), ("1\u00a0000", 1000.0),
        ("- 7 B", -7e9), ("3.5 × 10^23", 3.5e23), (" 64 ", 64.0), ("1.5 万", 1.5e4),
        # signs: ASCII, Unicode minus U+2212, full-width hyphen-minus, explicit plus
        ("-3", -3.0), ("\u22123", -3.0), ("－3", -3.0), ("+3", 3.0), ("-0.5", -0.5), ("\u22120.25", -0.25),
        # suffixes, Latin (any case) and Chinese
        ("2K", 2e3), ("2k", 2e3), ("2M", 2e6), ("2m", 2e6), ("2B", 2e9), ("2G", 2e9), ("2T", 2e12), ("2t", 2e12),
        ("1.5万", 1.5e4), ("3亿", 3e8), ("2千", 2e3), ("-7B", -7e9), ("\u22122万", -2e4),
        # full-width digits, point, exponent letter and percent
        ("１２３", 123.0), ("１．５", 1.5), ("１Ｅ３", 1e3), ("５０％", 0.5), ("７Ｂ", 7e9),
        # exponents: e-notation and ×10^ with every minus people type
        ("1e3", 1e3), ("1E+3", 1e3), ("2.5e-3", 2.5e-3), ("2.5e\u22123", 2.5e-3), ("3×10^5", 3e5),
        ("3x10^-5", 3e-5), ("3*10^5", 3e5), ("3×10^\u22125", 3e-5), ("3×10⁵", 3e5), ("3×10⁻⁵", 3e-5),
        ("-1.5e2", -150.0), ("\u22121.5e2", -150.0),
        # percent (unit is not %): a fraction
        ("40%", 0.4), ("-5%", -0.05), ("0%", 0.0), ("0", 0.0), ("-0", 0.0),
    ],
)  # fmt: skip
def test_parse_number_exact(text, expected):
    got = grading.parse_number(text)
    assert got is not None
    assert got == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    "text", ["1 5", "12 34", "1 0000",
             "1,5", "0,5", "12,34", "1,5000", "1,23,456", "1,", ",5", "1 ,5", "1,,000", "1.5.0", "e3", "1e", "1e3.5",
             "x10^5", "3×10", "K", "万", "2KK", "2万亿", "--3", "−−3", "+-3", "3-", "1/2", "½", "0x10", "1e999", "NaN"],
)  # fmt: skip
def test_parse_number_rejects(text):
    assert grading.parse_number(text) is None


def test_minus_signs_are_never_read_as_plus():
    for minus in ("-", "\u2212", "\uff0d"):
        assert grading.parse_number(f"{minus}42") == -42.0
        assert grading.parse_number(f"{minus}4.2e1") == -42.0


def test_percent_unit_keeps_the_number():
    assert grading.parse_number("40%", percent_unit=True) == 40.0
    assert grading.parse_number("40", percent_unit=True) == 40.0
    assert grading.parse_number("0.4", percent_unit=True) == 0.4
    assert grading.parse_number("-2.5%", percent_unit=True) == -2.5
    assert grading.parse_number("40%", percent_unit=False) == 0.4


@pytest.mark.parametrize(
    "given, expected, tol, ok",
    [
        (-3.0, -3.0, 0.05, True), (-2.9, -3.0, 0.05, True), (-3.1, -3.0, 0.05, True), (-3.2, -3.0, 0.05, False),
        (3.0, -3.0, 0.05, False), (-3.0, 3.0, 0.05, False), (6.0, 4.0, 0.5, True), (6.0001, 4.0, 0.5, False),
        (2.0, 4.0, 0.5, True), (1.9999, 4.0, 0.5, False), (-6.0, -4.0, 0.5, True), (-6.0001, -4.0, 0.5, False),
        # expected 0: the tolerance is absolute, both sides, inclusive
        (0.0, 0.0, 0.0, True), (0.01, 0.0, 0.01, True), (-0.01, 0.0, 0.01, True), (0.0101, 0.0, 0.01, False),
        (-0.0101, 0.0, 0.01, False), (1e-9, 0.0, 0.0, False),
        # zero tolerance is exact
        (64.0, 64.0, 0.0, True), (64.0000001, 64.0, 0.0, False),
    ],
)  # fmt: skip
def test_numeric_correct_exact(given, expected, tol, ok):
    assert grading.numeric_correct(given, expected, tol) is ok


def numeric_card(value: float, unit: str = "", tolerance: float = 0.05) -> cards.Presented:
    q = Question(id="t.n", topic="t", type="numeric", difficulty=1, prompt=Text("p", "p"), answer=Text("a", "a"),
                 numeric=Numeric(value, None, None, tolerance, unit))  # fmt: skip
    return cards.present(q, "en", random.Random(0))


@pytest.mark.parametrize(
    "value, unit, given, ok",
    [
        (-3.0, "", "-3", True), (-3.0, "", "\u22123", True), (-3.0, "", "3", False), (-3.0, "", "-3.1", True),
        (-0.5, "", "-50%", True), (-0.5, "", "50%", False),
        (0.0, "", "0", True), (0.0, "", "0.04", True), (0.0, "", "-0.05", True), (0.0, "", "0.06", False),
        (40.0, "%", "40%", True), (40.0, "%", "40", True), (40.0, "%", "0.4", False), (40.0, "%", "41", True),
        (0.4, "", "40%", True), (0.4, "", "40", False), (0.4, "", "0.4", True),
        (15.0, "", "1,5", False), (1.5, "", "1,5", False), (1500.0, "", "1,500", True),
        (2e12, "", "2T", True), (2e9, "", "2T", False), (2e9, "", "2B", True), (1.5e4, "", "1.5万", True),
        (7e9, "", "7B", True), (7e9, "", "7M", False), (1e8, "", "1亿", True),
    ],
)  # fmt: skip
def test_card_grading_exact(value, unit, given, ok):
    assert cards.grade(numeric_card(value, unit), given) is ok


def test_mcq_and_letters_exact():
    assert grading.letter(0) == "a" and grading.letter(3) == "d"
    assert grading.mcq_correct("A", 0) and grading.mcq_correct("d", 3)
    assert not grading.mcq_correct("b", 0) and not grading.mcq_correct("", 0)


def test_normalise_exact():
    # main's normaliser (quiz/normalise.py, 1ce94b9) also drops brackets, underscores and hyphens
    assert grading.normalise("  Sqrt( D_K ). ") == grading.normalise("sqrt(d_k)") == "sqrtdk"
    assert grading.normalise("√d") == "sqrtd"
    assert grading.normalise("a\u2212b") == grading.normalise("a-b") == "ab"
    assert grading.normalise("甲，乙。") == "甲,乙"
    assert grading.normalise("'quoted'") == "quoted"
    assert grading.cloze_correct("   ", ["", " "]) is False  # an empty answer never matches an empty gap


def test_proposed_rating_is_the_one_the_loops_use():
    import inspect

    from quiz import interactive

    assert [grading.proposed_rating(c) for c in (None, True, False)] == [3, 3, 1]
    # main's study loop proposes the rating in _rate (the answer screen), the exam loops in _exam and scripted_exam
    for loop in (interactive._rate, interactive._exam, interactive.scripted_exam):
        src = inspect.getsource(loop)
        assert "grading.proposed_rating(" in src and "3 if " not in src


def test_one_definition_of_cjk_ranges():
    from quiz import bank, safe_text, wrap

    assert wrap.CJK is safe_text.CJK and bank.CJK is safe_text.CJK
    assert f"[{safe_text.CJK}]" in bank.CJK_SPACE_RE.pattern and f"[{safe_text.CJK}]" in wrap.HAS_CJK.pattern
    assert bank.CJK_SPACE_RE.sub("", "注意 力，ｱ ｲ a b") == "注意力，ｱｲ a b"
    assert all(wrap.HAS_CJK.search(c) for c in "中。ｱ（⺀豈") and not wrap.HAS_CJK.search("aé—")
