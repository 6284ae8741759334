"""Every listing readable at 50, 80 and 160 columns and when piped (issue #12 item 4).

CliRunner's stdout is not a terminal: with COLUMNS set a listing is laid out for that width, without it
the listing prints plain tab-separated rows.
"""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from quiz import ui
from quiz.ui_tables import WRAP_MIN, Col, Section, Sheet, fit

FIXTURE = Path(__file__).parent / "data" / "bank"
WIDTHS = [50, 80, 160]
LONG = "transformer_components.a-rather-long-question"  # 45 characters, like the longest ids in the bank


def invoke(monkeypatch, args, columns=None):
    from quiz.cli import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", str(columns))
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def two_topic_bank(tmp_path: Path) -> Path:
    """One topic citing a post, one citing only a paper; ids long enough to crowd an 80-column table."""
    (tmp_path / "transformer_components.yaml").write_text(
        "topic: transformer_components\ntitle: {en: Transformer components, zh: 组件}\nquestions:\n"
        f"  - id: {LONG}\n    type: cloze\n    difficulty: 2\n    verifier: attention_scaling\n"
        "    prompt: {en: 'Attention divides the logits by {{sqrt(d_k)}} before the softmax is taken over keys',"
        " zh: '注意力在 softmax 之前把分数除以 {{sqrt(d_k)}}'}\n"
        "    sources: [{post: 'LLM 中的 Decoder Only', section: Attention}]\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "extras.yaml").write_text(
        "topic: extras\ntitle: {en: Extras beyond the reading list, zh: 额外}\nquestions:\n"
        "  - id: extras.short\n    type: flashcard\n    difficulty: 1\n"
        "    prompt: {en: What does a reward model output for one response?, zh: 奖励模型对一个回答输出什么？}\n"
        "    answer: {en: A scalar score., zh: 一个标量分数。}\n"
        "    sources: [{paper: 'Ouyang et al. 2022', where: '3.5'}]\n", encoding="utf-8")  # fmt: skip
    return tmp_path


def assert_fits(output: str, width: int) -> list[str]:
    lines = output.splitlines()
    assert lines
    too_wide = [ln for ln in lines if cell_len(ln.rstrip()) > width]
    assert not too_wide, too_wide
    return lines


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_the_id_and_a_readable_prompt_at_every_width(tmp_path, monkeypatch, width):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(two_topic_bank(tmp_path)))
    lines = assert_fits(invoke(monkeypatch, ["list"], width), width)
    text = "\n".join(lines)
    assert "extras.short" in text
    header = next((ln for ln in lines if ln.startswith("id ")), None)
    if header is None:  # the stacked layout: the id alone on its line, the prompt indented under it
        assert width == 50 and LONG in lines
        assert lines[lines.index("extras.short") + 2].strip() == "What does a reward model output for one"
    else:  # a table: the prompt column starts where the header says and is never narrower than WRAP_MIN
        start = header.index("prompt")
        assert width - start >= WRAP_MIN
        row = next(ln for ln in lines if ln.startswith("extras.short"))
        assert row[start:].startswith("What does a reward model")
        assert LONG in text
    assert "{{" not in text and "____" in text  # the cloze gap, never its markup


def test_list_at_80_columns_drops_optional_columns_before_the_prompt(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(two_topic_bank(tmp_path)))
    header = assert_fits(invoke(monkeypatch, ["list"], 80), 80)[1]
    assert header.split() == ["id", "prompt"]  # verifier, difficulty and type gave way, the prompt did not
    header = invoke(monkeypatch, ["list"], 160).splitlines()[1]
    assert header.split() == ["id", "type", "diff", "verifier", "prompt"]


def test_list_piped_prints_plain_tab_separated_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(two_topic_bank(tmp_path)))
    lines = invoke(monkeypatch, ["list"]).splitlines()
    assert lines[0] == "id\ttype\tdiff\tverifier\tprompt"
    rows = [ln.split("\t") for ln in lines[1:]]
    assert rows == [
        ["extras.short", "flashcard", "1", "", "What does a reward model output for one response?"],
        [LONG, "cloze", "2", "attention_scaling",
         "Attention divides the logits by ____ before the softmax is taken over keys"],
    ]


def test_the_real_bank_lists_no_template_markup(monkeypatch):
    """Cloze gaps and parametric {placeholders} are filled or blanked in every language and layout."""
    monkeypatch.delenv("QUIZ_QUESTIONS_DIR", raising=False)
    data = json.loads(invoke(monkeypatch, ["list", "--json"]))
    assert any("{{" in d["prompt"]["en"] for d in data)  # the bank has cloze cards ...
    assert any(re.search(r"\{[a-z_][a-z0-9_]*\}", d["prompt"]["en"]) for d in data)  # ... and parametric ones
    for args, columns in ((["list"], None), (["list"], 160), (["list", "--lang", "zh"], 80)):
        out = invoke(monkeypatch, args, columns)
        assert "{{" not in out and not re.search(r"\{[a-z_][a-z0-9_]*\}", out)
        assert all(d["id"] in out for d in data)


@pytest.mark.parametrize("width", [*WIDTHS, None])
def test_topics_groups_the_topics_beyond_the_posts(tmp_path, monkeypatch, width):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(two_topic_bank(tmp_path)))
    out = invoke(monkeypatch, ["topics"], width)
    if width is None:
        lines = out.splitlines()
        assert lines[0].split("\t")[:2] == ["source", "topic"]
        assert [ln.split("\t")[:2] for ln in lines[1:]] == [
            ["from the posts", "transformer_components"], ["beyond the posts", "extras"], ["", "all"]]
        return
    assert_fits(out, width)
    order = [out.index(s) for s in ("from the posts", "transformer_components", "beyond the posts", "extras", "all")]
    assert order == sorted(order)
    # the title column is the first to go from a table; the stacked layout (50 columns) has room for it
    assert ("Extras beyond the reading list" in out) == (width != 80)


def test_topics_json_says_which_topics_come_from_the_posts(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(two_topic_bank(tmp_path)))
    data = json.loads(invoke(monkeypatch, ["topics", "--json"]))
    assert {d["topic"]: d["from_posts"] for d in data} == {"extras": False, "transformer_components": True}


@pytest.mark.parametrize("width", [*WIDTHS, None])
def test_stats_at_every_width(monkeypatch, width):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    out = invoke(monkeypatch, ["stats", "--days", "3"], width)
    if width is None:
        lines = out.splitlines()
        assert lines[:3] == ["progress · 0 reviews", "topic\tquestions\tseen\tdue now\treviews\tlapses\taccuracy",
                             "basics\t4\t0\t0\t0\t0\t-"]  # fmt: skip
        assert lines[4:6] == ["due forecast", "day\tcards"] and len(lines[6].split("\t")) == 2
        return
    assert_fits(out, width)
    if width >= 80:
        row = next(ln for ln in out.splitlines() if ln.startswith("basics"))
        assert row.split() == ["basics", "4", "0", "0", "0", "0", "-"]
    else:
        assert "basics" in out.splitlines() and "questions 4 · seen 0" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_show_keeps_its_footer_at_every_width(monkeypatch, width):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    out = invoke(monkeypatch, ["show", "basics.scale-mcq"], width)
    assert_fits(out, width)
    flat = re.sub(r"[│╭╮╰╯─\s]+", " ", out)
    assert "basics · mcq · difficulty 1 · tags: - · " in flat and "basics.yaml:14" in flat


def test_show_cloze_blanks_the_prompt_and_gives_the_answer(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    out = invoke(monkeypatch, ["show", "basics.mlm-cloze"], 100)
    assert "BERT selects ____ of tokens" in out and "BERT selects 15% of tokens" in out
    assert "accepted: [1] 15% | 15" in out and "{{" not in out


def test_fit_drops_optional_columns_lowest_first_then_gives_up():
    sheet = Sheet("t", [Col("key"), Col("a", drop=2), Col("b", drop=1), Col("text", wrap=True)],
                  [Section(None, [["k" * 20, "a" * 10, "b" * 10, "word " * 20]])])  # fmt: skip
    assert fit(sheet, 200) == [0, 1, 2, 3]
    assert fit(sheet, 20 + 10 + 10 + WRAP_MIN + 6) == [0, 1, 2, 3]
    assert fit(sheet, 20 + 10 + 10 + WRAP_MIN + 5) == [0, 1, 3]  # b (drop=1) goes first
    assert fit(sheet, 20 + WRAP_MIN + 2) == [0, 3]
    assert fit(sheet, 20 + WRAP_MIN + 1) is None  # then the stacked layout


def test_the_ui_table_functions_still_render(monkeypatch):
    """ui.questions_table / topics_table / stats_view stay usable as renderables at a given width."""
    from rich.console import Console

    from quiz.bank import load

    bank, _ = load([FIXTURE])
    console = Console(width=80, record=True, force_terminal=False)
    console.print(ui.questions_table(list(bank.questions), "en", 80))
    assert "basics.scale-why" in console.export_text()
