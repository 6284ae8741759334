import re

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from quiz.wrap import NO_LINE_START, wrap

SAMPLE = "打分矩阵 QKᵀ 是 n×d_k 乘 d_k×n，秩最多为 d_k ≪ n；论证认为双向注意力矩阵继承了这种低秩，表达能力下降。"


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_chinese_breaks_between_characters_and_fills_lines():
    lines = wrap(SAMPLE, 30)
    assert all(cell_len(line) <= 30 for line in lines)
    assert squash("".join(lines)) == squash(SAMPLE)
    assert all(cell_len(line) >= 20 for line in lines[:-1])  # no half-empty lines as rich would leave
    assert "d_k×n，秩" in "".join(lines) or any(line.endswith("d_k×n，") for line in lines)


def test_latin_words_are_not_split():
    lines = wrap("注意力 attention 机制 softmax 函数", 12)
    assert all(w in " ".join(lines).split() or w in "".join(lines) for w in ("attention", "softmax"))
    assert not any(line.startswith(("ttention", "oftmax")) for line in lines)


def test_punctuation_never_starts_a_line():
    for width in range(8, 40):
        for line in wrap(SAMPLE, width)[1:]:
            assert line.strip()[:1] not in NO_LINE_START


@given(st.text(alphabet="中文字词，。 abcdefg", max_size=200), st.integers(min_value=6, max_value=60))
def test_wrap_keeps_every_character(text, width):
    lines = wrap(text, width)
    assert squash("".join(lines)) == squash(text)
    assert all(cell_len(line) <= width for line in lines)
