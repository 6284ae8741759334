"""Pure grading: is this answer right? No I/O, no rich; every function is a plain mapping."""

from __future__ import annotations

import math
import re
import unicodedata

# Suffixes people type for big numbers, Latin and Chinese.
MULTIPLIERS = {
    "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12,
    "千": 1e3, "万": 1e4, "亿": 1e8,
}  # fmt: skip
_NUMBER = re.compile(
    r"""^(?P<sign>[-+]?)
        (?P<num>(\d+(\.\d*)?|\.\d+))
        (?:(?:e|E)(?P<exp>[-+]?\d+)|(?:[x×*]10\^?(?P<exp2>[-+]?\d+)))?
        (?P<suffix>[kmbgt千万亿]?)
        (?P<pct>%?)$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_number(text: str, percent_unit: bool = False) -> float | None:
    """Read a typed number: 1234, 1,234, 1 234, 1_234, 3.5e-3, 3.5×10^23, 7B, 1.5万, 12%, −3 (U+2212), full width.

    A separator (, _ ' or space) is a thousands separator only before a group of exactly 3 digits: "1,5",
    "1,5000" and "1 5" are not numbers (the learner is asked again rather than graded on a guess).

    A trailing % means "percent": 12% is 12 when the question's unit is "%", else 0.12.
    Returns None when the text is not a number.
    """
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")  # NFKC leaves the Unicode minus
    s = re.sub(r"(?<=\d)[,_' ](?=\d{3}(?!\d))", "", s)  # thousands separators: groups of exactly 3 digits
    if re.search(r"\d\s+\d", s):  # "1 5" is not 15
        return None
    s = re.sub(r"\s+", "", s)  # spaces around a sign, suffix or ×10^ do not matter: "- 7 B"
    m = _NUMBER.match(s)
    if not m:
        return None
    exp = m["exp"] or m["exp2"]
    value = float(f"{m['num']}e{int(exp) if exp else 0}")  # float() saturates to inf, never raises
    value *= MULTIPLIERS.get(m["suffix"].lower(), 1.0)
    if m["pct"] and not percent_unit:
        value /= 100
    if m["sign"] == "-":
        value = -value
    return value if math.isfinite(value) else None


def numeric_correct(given: float, expected: float, tolerance: float) -> bool:
    """Relative tolerance; when the expected value is 0 the tolerance is absolute."""
    if expected == 0:
        return abs(given) <= tolerance
    return abs(given - expected) <= tolerance * abs(expected)


def normalise(text: str) -> str:
    """Case, width and spacing never make an answer wrong: ＳＱＲＴ（ｄ＿ｋ） == sqrt(d_k)."""
    s = unicodedata.normalize("NFKC", text).casefold()
    s = s.replace("√", "sqrt").replace("−", "-").replace("。", ".")  # NFKC already made "，" a ","
    s = re.sub(r"\s+", "", s)
    return s.strip(".,;:!?\"'`")


def cloze_correct(given: str, alternatives: list[str]) -> bool:
    g = normalise(given)
    return bool(g) and any(g == normalise(a) for a in alternatives)


def mcq_correct(letter: str, correct_index: int) -> bool:
    letter = letter.strip().lower()
    return len(letter) == 1 and ord(letter) - ord("a") == correct_index


def letter(index: int) -> str:
    return chr(ord("a") + index)


def proposed_rating(correct: bool | None) -> int:
    """The rating Enter accepts: Again (1) for a wrong auto-graded answer, else Good (3) (right, or self-rated)."""
    return 1 if correct is False else 3
