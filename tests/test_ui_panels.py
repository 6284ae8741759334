"""Panels at 50, 80 and 160 columns in both languages: the header keeps what matters, nothing overflows,
and in Chinese no English UI word is left."""

import random
import re
import time
from types import SimpleNamespace

import pytest
from rich.console import Console

from quiz import cards, i18n, ui
from quiz.bank import Bank, Choice, Numeric, Question, Text
from quiz.session import ExamReport, Item, Summary
from quiz.wrap import wrap

LONG_TITLE = Text("Encoder-only, decoder-only and encoder-decoder architectures compared",
                  "仅编码器、仅解码器与编码器-解码器架构的全面比较与取舍")  # fmt: skip
ZH = "（"  # noqa: RUF001


def render(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.export_text().splitlines()


def fits(lines: list[str], width: int) -> bool:
    from rich.cells import cell_len

    return all(cell_len(line) <= width for line in lines)


def question(qtype: str = "numeric", difficulty: int = 3) -> Question:
    extra = {}
    if qtype == "numeric":
        extra["numeric"] = Numeric(value=6738415616.0, value_from=None, compute=None, tolerance=0.01, unit="parameters")
    if qtype == "mcq":
        extra["choices"] = (Choice(Text("yes", "是"), True), Choice(Text("no", "否"), False))
    return Question(id="architectures.a-rather-long-question-id", topic="architectures", type=qtype,
                    difficulty=difficulty, prompt=Text("How many parameters?", "有多少个参数？"),
                    answer=Text("About 6.7 billion.", "约 67 亿。"), explanation=Text("Count them.", "逐项相加。"),
                    verifier="attention_scaling",
                    sources=({"post": "模块详解", "section": "参数量"}, {"paper": "某论文 2023", "where": "第 3 节"}),
                    **extra)  # fmt: skip


@pytest.mark.parametrize("width", [50, 80, 160])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("is_new", "cram"), [(True, False), (False, True), (False, False)])
def test_the_header_shortens_the_title_never_the_counters_type_or_badge(width, lang, is_new, cram):
    q = question("errata")
    bank = Bank((q,), {"architectures": LONG_TITLE})
    p = cards.present(q, lang, random.Random(0))
    head = ui.header(Item(q, is_new=is_new), (12, 345, 20), LONG_TITLE.get(lang), lang, width=width - 6, cram=cram)
    lines = render(ui.card_panel(p, Item(q, is_new=is_new), (12, 345, 20), bank, cram=cram), width)
    top = lines[0]
    assert fits(lines, width)
    for part in (i18n.t("type.errata", lang),):
        assert part in top
    full = i18n.t("counts", lang, done=12, due=345, new=20)
    short = i18n.t("counts.short", lang, done=12, due=345, new=20)
    assert full in top or (width < 80 and short in top)
    badge = i18n.t("badge.cram", lang) if cram else (i18n.t("badge.new", lang) if is_new else None)
    if badge:
        assert badge in top
    if width >= 80:
        assert full in top  # at 80 columns the counters are never abbreviated
    if width == 160:
        assert LONG_TITLE.get(lang) in top  # room enough: the title is whole
    else:
        assert "…" in head.plain  # the title gave way


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("early", "fill", "cram", "expected"),
                         [(True, False, False, {"en": "FINAL", "zh": "考前"}),
                          (True, True, False, {"en": "EARLY", "zh": "提前"}),
                          (False, False, False, {"en": "", "zh": ""}),
                          (True, True, True, {"en": "CRAM", "zh": "突击"})])  # fmt: skip
def test_the_plans_extra_reviews_say_why_they_are_shown_today(lang, early, fill, cram, expected):
    """A final review before the interview and an early review that fills the plan's day each carry a badge,
    so a card shown before its due date is never a mystery; cram wins (nothing is scheduled in cram)."""
    q = question("errata")
    head = ui.header(Item(q, is_new=False, early=early, fill=fill), (1, 2, 3), "T", lang, width=74, cram=cram).plain
    tail = head.rsplit(i18n.t("counts", lang, done=1, due=2, new=3), 1)[1]
    assert tail.strip() == expected[lang]


def zh_panels(width: int) -> list[str]:
    """Every panel the session, the verifier and the exam show, rendered in Chinese."""
    lines: list[str] = []
    num = question("numeric")
    bank = Bank((num,), {"architectures": Text("Architectures", "架构")})
    p = cards.present(num, "zh", random.Random(0))
    lines += render(ui.card_panel(p, Item(num, is_new=True), (1, 2, 3), bank), width)
    lines += render(ui.card_panel(p, Item(num, is_new=False), (1, 2, 3), bank, cram=True), width)
    lines += [i18n.t("number", "zh"), ui.numeric_hint(p), ui.prompt_text(i18n.t("answer", "zh")).plain]
    lines += render(ui.answer_panel(p, False, "7B"), width)
    lines += render(ui.answer_panel(p, True, "67.4亿"), width)
    cloze = Question(id="t.c", topic="t", type="cloze", difficulty=1, answer=None,
                     prompt=Text("{{a}} {{b}}", "{{层归一化|LayerNorm}}放在{{子层}}之前。"))  # fmt: skip
    pc = cards.present(cloze, "zh", random.Random(0))
    lines += render(ui.card_panel(pc, Item(cloze, is_new=False), (0, 1, 0), bank), width)
    lines += render(ui.answer_panel(pc, False, ["LayerNorm", ""]), width)
    lines += render(ui.rating_bar({1: "1m", 2: "6m", 3: "10m", 4: "3d"}, "zh", 3), width)
    lines += render(i18n.t("keys", "zh", proposed=i18n.RATING_NAME["zh"][3]), width)
    lines += render(ui.explanation_panel(num, "zh"), width)
    check = SimpleNamespace(name="var_scaled", measured=1.01, expected=1.0, tolerance=0.05, passed=True, relation="≈")
    result = SimpleNamespace(name="attention_scaling", claim="缩放后方差约为 1。", checks=[check], seconds=0.12, error="",
                             passed=True, figures=[], figure_error="")
    lines += render(ui.verifier_panel(result, "var_scaled", "zh"), width)
    summary = Summary(done=3, correct=1, graded=2, seconds=75, next_due=time.time() + 600, missed=[num.id],
                      questions={num.id: num}, learning_later=1)  # fmt: skip
    lines += render(ui.summary_panel(summary, "zh", width - 4), width)
    lines += render(ui.exam_panel(p, 1, 5, time.monotonic() + 300), width)
    report = ExamReport(asked=3, correct=1, by_topic={"architectures": (1, 3)}, missed=["t.x"], unanswered=["t.y"])
    lines += render(ui.exam_report_panel(report, 125, "zh"), width)
    lines += render(ui.welcome_panel("/home/学习者/.local/share/quiz", "zh"), width)
    for key in ("no_more", "nothing_to_undo", "no_verifier", "exam.time_up", "self_grade", "reveal", "pick",
                "not_number"):  # fmt: skip
        lines.append(i18n.t(key, "zh"))
    return lines


def english_ui_words() -> set[str]:
    """Every word of the English UI strings (minus the product's own names and key names)."""
    words = set()
    for texts in i18n.STRINGS.values():
        words |= set(re.findall(r"[A-Za-z]{3,}", re.sub(r"\{[a-z_]+\}", "", texts["en"])))
    words |= set(i18n.RATING_NAME["en"].values()) | set(i18n.UNITS_ZH)
    return words - {"quiz", "torch", "Enter", "verify", "topics", "study", "topic", "NAME", "ID", "show"}


@pytest.mark.parametrize("width", [50, 80])
def test_every_panel_in_chinese_has_no_english_ui_word_and_fits(width):
    lines = zh_panels(width)
    text = "\n".join(lines).replace("architectures.a-rather-long-question-id", "")  # ids are data
    allowed_data = {"architectures", "attention_scaling", "var_scaled", "LayerNorm", "quiz", "torch"}
    found = {w for w in english_ui_words() if re.search(rf"(?<![A-Za-z_.]){w}(?![A-Za-z_])", text)}
    assert found - allowed_data == set(), found
    assert fits(lines, width)
    assert ": " not in re.sub(r"https?://\S+", "", text)  # full-width colons throughout
    assert "：" in text and ZH in text


@pytest.mark.parametrize("width", range(8, 41))
def test_chinese_line_breaking_keeps_brackets_and_cloze_markers_in_place(width):
    paragraph = "把归一化放在子层（sublayer）之前，称为 Pre-LN（前置归一化）；[1]____ 与 [2]____ 相对。"
    for line in wrap(paragraph, width):
        assert not line.lstrip().startswith(("）", "，", "。", "；")), (width, line)  # noqa: RUF001
        assert not re.search(r"\[\d\]$", line) and not line.lstrip().startswith("____"), (width, line)


def test_show_never_says_press_v_and_formats_numbers_like_the_session():
    q = question("numeric")
    lines = "\n".join(render(ui.question_panel(q, "en"), 100))
    assert "press v" not in lines and "quiz verify attention_scaling" in lines
    assert "6,738,415,616" in lines and "e+09" not in lines
