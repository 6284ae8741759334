import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz import grading


@pytest.mark.parametrize(
    "text, expected",
    [
        ("64", 64), ("  64 ", 64), ("-3", -3), ("0.125", 0.125), (".5", 0.5), ("1,024", 1024),
        ("6,738,415,616", 6738415616), ("1_000", 1000), ("3.15e23", 3.15e23), ("3.15E+23", 3.15e23),
        ("2e-3", 0.002), ("3.15×10^23", 3.15e23), ("3.15x10^23", 3.15e23), ("7B", 7e9), ("7b", 7e9),
        ("13k", 13000), ("1.5M", 1.5e6), ("1.5万", 15000), ("3亿", 3e8), ("12%", 0.12), ("６４", 64),
    ],
)  # fmt: skip
def test_parse_number_accepts_what_people_type(text, expected):
    assert grading.parse_number(text) == pytest.approx(expected)


def test_percent_is_literal_when_the_unit_is_percent():
    assert grading.parse_number("12%", percent_unit=True) == 12
    assert grading.parse_number("12", percent_unit=True) == 12


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12 apples", "1e", "--1", "nan", "inf", "1e999"])
def test_parse_number_rejects_non_numbers(text):
    assert grading.parse_number(text) is None


def test_numeric_tolerance_is_relative():
    assert grading.numeric_correct(63.0, 64, 0.05)
    assert not grading.numeric_correct(60.0, 64, 0.05)
    assert grading.numeric_correct(-0.001, 0, 0.01)  # expected 0: tolerance is absolute
    assert not grading.numeric_correct(0.5, 0, 0.01)


@pytest.mark.parametrize(
    "given, alternatives, ok",
    [
        ("sqrt(d_k)", ["sqrt(d_k)"], True), ("SQRT( d_k )", ["sqrt(d_k)"], True),
        ("ｓｑｒｔ（ｄ＿ｋ）", ["sqrt(d_k)"], True),
        ("√d_k", ["sqrt d_k"], True), ("15%", ["15%", "15"], True), ("15", ["15%", "15"], True),
        ("16%", ["15%"], False), ("", ["x"], False), ("layernorm.", ["LayerNorm"], True), ("层归一化", ["层归一化"], True),
    ],
)  # fmt: skip
def test_cloze_normalises_case_width_and_spacing(given, alternatives, ok):
    assert grading.cloze_correct(given, alternatives) is ok


def test_mcq_letters():
    assert grading.mcq_correct("c", 2) and grading.mcq_correct(" C ", 2)
    assert not grading.mcq_correct("a", 2) and not grading.mcq_correct("ab", 0)


@given(st.text())
def test_parse_number_never_raises(text):
    result = grading.parse_number(text)
    assert result is None or isinstance(result, float)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_parse_number_round_trips_repr(x):
    assert grading.parse_number(repr(x)) == pytest.approx(x)


@given(st.text(), st.lists(st.text(), min_size=1))
def test_cloze_grading_never_raises(given_text, alternatives):
    assert grading.cloze_correct(given_text, alternatives) in (True, False)
