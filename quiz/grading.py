"""Pure grading: is this answer right? No I/O, no rich; every function is a plain mapping."""

from __future__ import annotations

import math
import re
import unicodedata

# Suffixes people type for big numbers, Latin and Chinese.
MULTIPLIERS = {
    "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12, "bn": 1e9,
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "千": 1e3, "万": 1e4, "亿": 1e8,
}  # fmt: skip
# after a one-letter multiplier, these make a unit: 14GB, 7Bparams, 3.1e23 FLOPs is not one (no multiplier)
_AFTER_MULTIPLIER = {"b", "byte", "bytes", "flop", "flops", "param", "params", "parameters", "tokens", "token"}
_NUMBER = re.compile(
    r"""^(?P<sign>[-+−]?)\s*
        (?P<num>(\d+(\.\d*)?|\.\d+))
        (?:(?:e|E)(?P<exp>[-+]?\d+)|(?:\s*[x×*·]\s*10\s*\^?\s*(?P<exp2>[-+−]?\d+)))?
        \s*(?P<word>[A-Za-z]+|[千万亿])?
        \s*(?P<pct>%?)
        (?P<rest>[^\d]*)$""",
    re.VERBOSE,
)
# words accepted after a number whatever the card's unit (the card's own unit is accepted too)
UNIT_WORDS = {"param", "params", "parameter", "parameters", "token", "tokens", "byte", "bytes", "b", "flop", "flops",
              "word", "words", "layer", "layers", "head", "heads", "x", "×", "times", "参数", "个", "个参数", "倍",
              "字节", "层"}  # fmt: skip


def _unit_ok(rest: str, unit: str) -> bool:
    r = rest.strip().casefold()
    u = unit.strip().casefold()
    return not r or r in UNIT_WORDS or (bool(u) and r in {u, u.rstrip("s"), u + "s"})


def parse_number(text: str, percent_unit: bool = False, unit: str = "") -> float | None:
    """Read a typed number: 1234, 1,234, 1 234, 1_234, 3.5e-3, 3.5×10^23, 7B, 1.5万, 12%, −3 (U+2212), full
    width, and a unit after it: "14 GB", "7B params", "70亿参数", "3.1e23 FLOPs" (the card's own unit, whatever
    it is, is dropped first: "14 GB" is 14 when the card asks in GB).

    A separator (, _ ' or space) is a thousands separator only before a group of exactly 3 digits: "1,5",
    "1,5000" and "1 5" are not numbers (the learner is asked again rather than graded on a guess).

    A trailing % means "percent": 12% is 12 when the question's unit is "%", else 0.12.
    Returns None when the text is not a number.
    """
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")  # NFKC leaves the Unicode minus
    s = re.sub(r"(?<=\d)[,_' ](?=\d{3}(?!\d))", "", s)  # thousands separators: groups of exactly 3 digits
    if re.search(r"\d\s+\d", s):  # "1 5" is not 15, "3 x 10 5" is not 3e5
        return None
    u = unicodedata.normalize("NFKC", unit).strip()
    if u and u != "%" and s.casefold().endswith(u.casefold()) and len(s) > len(u):
        s = s[: -len(u)].rstrip()
    m = _NUMBER.match(s)
    if not m or not _unit_ok(m["rest"], u):
        return None
    exp = m["exp"] or (m["exp2"] or "").replace("−", "-")
    value = float(f"{m['num']}e{int(exp) if exp else 0}")  # float() saturates to inf, never raises
    word = (m["word"] or "").lower()
    if word in MULTIPLIERS:
        value *= MULTIPLIERS[word]
    elif word and word[0] in "kmbgt" and word[1:] in _AFTER_MULTIPLIER:
        value *= MULTIPLIERS[word[0]]  # 14GB, 7Bparams
    elif word and (m["pct"] or m["rest"].strip() or not _unit_ok(word, u)):
        return None  # "12 apples", "12 x %": not a number we understand
    if m["pct"] and not percent_unit:
        value /= 100
    if m["sign"] in ("-", "−"):
        value = -value
    return value if math.isfinite(value) else None


_ABOUT = re.compile(r"\b(about|roughly|approximately) (how (many|much)|what)\b|\bby roughly\b|order of magnitude"
                    r"|(大约|大概)(是|有|需要|要)?多少|约多少|数量级", re.I)


def is_about(prompt: str) -> bool:
    """An "About how many ..." question: a rounded answer is what is asked for."""
    return bool(_ABOUT.search(prompt))


def rounded(value: float, figures: int) -> float:
    if value == 0:
        return 0.0
    return float(f"{value:.{figures - 1}e}")


def numeric_correct(given: float, expected: float, tolerance: float, about: bool = False) -> bool:
    """Relative tolerance; when the expected value is 0 the tolerance is absolute. An "about" question also
    accepts the expected value rounded to one or two significant figures (46.7B: 50B or 47B)."""
    if expected == 0:
        return abs(given) <= tolerance
    if abs(given - expected) <= tolerance * abs(expected):
        return True
    return about and any(math.isclose(given, rounded(expected, f), rel_tol=1e-9) for f in (1, 2))


def exact(expected: float | None, tolerance: float) -> bool:
    """The tolerance leaves only one whole number: the card wants the exact count."""
    return expected is not None and float(expected).is_integer() and tolerance * abs(expected) < 1


def normalise(text: str) -> str:
    """The canonical form of a typed answer (quiz.normalise): ＳＱＲＴ（ｄ＿ｋ） == √d_k, modelling == modeling."""
    from .normalise import normalise as canonical

    return canonical(text)


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
