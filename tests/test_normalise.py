"""The answer normaliser, as a table: what must be accepted as the same, and what must stay different."""

import pytest

from quiz.normalise import normalise, same

SAME = [
    ("modelling", "modeling"),
    ("Language Modelling", "language modeling"),
    ("quantisation", "quantization"),
    ("normalisation", "normalization"),
    ("normalise", "normalize"),
    ("labelled", "labeled"),
    ("centre", "center"),
    ("behaviour", "behavior"),
    ("next-token prediction", "next token prediction"),
    ("next-token", "nexttoken"),
    ("pre-norm", "Pre Norm"),
    ("Q*K^T", "Q·K^T"),
    ("Q×K^T", "Q * K^T"),
    ("Q⋅K^T", "q*k^t"),
    ("d_k", "dk"),
    ("d_{k}", "dk"),
    ("sqrt(d_k)", "√d_k"),
    ("√(d_k)", "sqrt(dk)"),
    ("1/sqrt(d_k)", "1/√dk"),
    ("ＳＱＲＴ（ｄ＿ｋ）", "sqrt(d_k)"),
    ("0.15", "15%"),
    (".15", "15 %"),
    ("1,024", "1024"),
    ("LayerNorm", "层归一化"),
    ("layer normalization", "层归一化"),
    ("Layer Normalisation", "LayerNorm"),
    ("BatchNorm", "批归一化"),
    ("batch normalization", "批归一化"),
    ("softmax.", "Softmax"),
    ("残差连接。", "残差连接"),
]

DIFFERENT = [
    ("LayerNorm", "BatchNorm"),
    ("层归一化", "批归一化"),
    ("0.15", "15"),
    ("-1", "1"),
    ("d_k", "d_v"),
    ("sqrt(d_k)", "d_k"),
    ("encoder", "decoder"),
    ("pre-norm", "post-norm"),
    ("0.5", "5%"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_accepted_as_the_same(a, b):
    assert same(a, b) and same(b, a), (normalise(a), normalise(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_still_different(a, b):
    assert not same(a, b), (normalise(a), normalise(b))


def test_an_empty_answer_is_never_right():
    assert not same("", "") and not same("  ", "")
