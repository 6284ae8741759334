"""One canonical form for typed answers, so that only the content can make an answer wrong.

Both the learner's answer and every accepted answer are mapped to the same form and compared:
- width, case and spacing: ＳＱＲＴ（ｄ＿ｋ） == sqrt(d_k); full-width punctuation; trailing punctuation;
- British and American spelling: modelling/modeling, quantisation/quantization, normalise/normalize, centre/center;
- a hyphen between letters or a space: next-token == next token == nexttoken;
- the multiplication sign: a*b == a·b == a×b == a⋅b;
- subscripts written or not: d_k == dk == d_{k};
- square roots: sqrt(d_k) == √d_k == √(d_k);
- numbers: 0.15 == 15% == .15; 1,024 == 1024;
- names of norms in Chinese: 层归一化 == LayerNorm == layer normalization, 批归一化 == BatchNorm.
Pure; no I/O.
"""

from __future__ import annotations

import re
import unicodedata

# word endings, British -> American (applied to whole words of letters only)
_SPELLING = [
    (re.compile(r"isation(s?)$"), r"ization\1"),
    (re.compile(r"is(e|ed|es|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"(?<=e)ll(ing|ed|er|ers)$"), r"l\1"),  # modelling, labelled
    (re.compile(r"(?<=[^aeiou])tre(s?)$"), r"ter\1"),
    (re.compile(r"(colo|behavio|favo|neighbo|labo|flavo|hono|rumo)ur(s?)"), r"\1r\2"),
    (re.compile(r"ogue(s?)$"), r"og\1"),
]
_SYNONYMS = [  # after spelling and spacing are canonical
    ("层归一化", "layernorm"), ("层标准化", "layernorm"), ("layernormalization", "layernorm"),
    ("批归一化", "batchnorm"), ("批标准化", "batchnorm"), ("批量归一化", "batchnorm"),
    ("batchnormalization", "batchnorm"), ("rmsnormalization", "rmsnorm"),
]  # fmt: skip
_WORD = re.compile(r"[a-z]+")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?%?$")


def _american(word_match: re.Match) -> str:
    w = word_match.group(0)
    if len(w) < 5:
        return w
    for pattern, repl in _SPELLING:
        w2 = pattern.sub(repl, w)
        if w2 != w:
            return w2
    return w


def _number(s: str) -> str | None:
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    if not _NUMBER.match(t):
        return None
    value = float(t.rstrip("%")) / (100 if t.endswith("%") else 1)
    return format(value, ".12g")


def normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).casefold().strip()
    s = s.replace("−", "-").replace("，", ",").replace("。", ".").replace("、", ",")
    number = _number(s.replace(" ", "").rstrip(".,;:!?"))
    if number is not None:
        return number
    s = s.strip(".,;:!?\"'`")
    s = _WORD.sub(_american, s)
    s = re.sub(r"(?<=[^\W\d_])\s*-\s*(?=[^\W\d_])", "", s)  # next-token -> nexttoken
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[*·×⋅∙]", "*", s)
    s = s.replace("√", "sqrt")
    s = re.sub(r"_\{([^{}]*)\}", r"\1", s).replace("_", "")  # d_{k}, d_k -> dk
    s = re.sub(r"sqrt\(([^()]*)\)", r"sqrt\1", s)
    for a, b in _SYNONYMS:
        s = s.replace(a, b)
    return s


def same(given: str, accepted: str) -> bool:
    g = normalise(given)
    return bool(g) and g == normalise(accepted)
