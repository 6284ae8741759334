import sqlite3
import time
import zipfile
from pathlib import Path

from click.testing import CliRunner

from quiz.cli import cli

FIXTURE = Path(__file__).parent / "data" / "bank"


def notes_in(apkg: Path) -> list[tuple[str, str]]:
    """(guid, fields) of every note, read straight from the package's Anki collection."""
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()
        db = apkg.with_suffix(".anki2")
        db.write_bytes(z.read("collection.anki2"))
    return sqlite3.connect(db).execute("SELECT guid, flds FROM notes ORDER BY guid").fetchall()


def test_export_writes_one_note_per_question_with_stable_guids(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    for path in (first, second):
        result = CliRunner().invoke(cli, ["export", "-o", str(path)])
        assert result.exit_code == 0 and "wrote 4 notes in 1 decks" in result.output
    a, b = notes_in(first), notes_in(second)
    assert len(a) == 4 and len({g for g, _ in a}) == 4
    assert a == b  # same guids and same content: re-import updates instead of duplicating
    fields = dict(a)
    mcq = next(f for f in fields.values() if f.startswith("basics.scale-mcq"))
    assert "The growth of the dot product" in mcq.split("\x1f")[3]  # the back names the right choice


def test_export_in_chinese_uses_other_guids(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    CliRunner().invoke(cli, ["export", "-o", str(tmp_path / "en.apkg"), "--lang", "en"])
    CliRunner().invoke(cli, ["export", "-o", str(tmp_path / "zh.apkg"), "--lang", "zh"])
    en, zh = notes_in(tmp_path / "en.apkg"), notes_in(tmp_path / "zh.apkg")
    assert not {g for g, _ in en} & {g for g, _ in zh}
    assert any("为什么注意力分数要除以" in f for _, f in zh)


def test_export_with_an_unknown_tag_fails(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    result = CliRunner().invoke(cli, ["export", "--tag", "scaling", "--topic", "basics", "--tag", "nothing-has-this"])
    assert result.exit_code == 2 and result.output == "Error: unknown tag 'nothing-has-this' (--tag); no question has it " \
        "(`quiz list --json` shows each question's tags)\n"


def test_export_opens_in_anki_and_reimport_updates(tmp_path, monkeypatch):
    """The official Anki backend imports the deck into a fresh collection; a second import of an
    edited export updates the notes in place (stable GUIDs) instead of duplicating them."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    apkg = tmp_path / "deck.apkg"
    assert CliRunner().invoke(cli, ["export", "-o", str(apkg)]).exit_code == 0
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))
        assert col.note_count() == 4 and col.card_count() == 4
        assert "quiz (en)::Basics" in [d.name for d in col.decks.all_names_and_ids()]

        edited = tmp_path / "bank"
        edited.mkdir()
        text = (FIXTURE / "basics.yaml").read_text().replace("To keep their variance", "To hold their variance")
        (edited / "basics.yaml").write_text(text)
        monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(edited))
        time.sleep(1.0)  # notes carry a whole-second mtime; Anki updates a note when the import is newer
        assert CliRunner().invoke(cli, ["export", "-o", str(apkg)]).exit_code == 0
        log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg),
                                                               options=ImportAnkiPackageOptions())).log  # fmt: skip
        assert len(log.updated) == 4 and not log.new and col.note_count() == 4
        fields = [" ".join(col.get_note(n).fields) for n in col.find_notes("")]
        assert any("To hold their variance" in f for f in fields)
    finally:
        col.close()


def test_cloze_numeric_and_topic_title_as_anki_renders_them(tmp_path, monkeypatch):
    """Cloze questions are Anki Cloze notes (Anki blanks the gap), numeric ones type-in cards whose answer
    field is the bare number, and every card shows the topic's title, not its slug."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    apkg = tmp_path / "deck.apkg"
    assert CliRunner().invoke(cli, ["export", "-o", str(apkg)]).exit_code == 0
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))
        cards = {col.get_card(c).note()["Id"]: col.get_card(c) for c in col.find_cards("")}
        assert sorted(cards) == ["basics.mlm-cloze", "basics.scale-mcq", "basics.scale-why", "basics.var-d64"]

        cloze = cards["basics.mlm-cloze"]
        assert cloze.note().note_type()["type"] == 1  # MODEL_CLOZE: Anki's own cloze handling
        assert "BERT selects <span class=\"cloze\"" in cloze.question() and "[...]" in cloze.question()
        assert ">15%</span> of tokens" not in cloze.question() and ">15%</span> of tokens" in cloze.answer()

        numeric = cards["basics.var-d64"]
        assert numeric.note()["Answer"] == "64"
        assert "[[type:Answer]]" in numeric.question()  # Anki's type-in box (the desktop UI draws the input)
        assert "within ±5% counts as right" in numeric.question()
        assert "d_k = 64." in numeric.answer()

        for card in cards.values():
            assert card.note()["Topic"] == "Basics" and "<div class=meta>Basics</div>" in card.question()
        assert cards["basics.scale-why"].note().note_type()["type"] == 0
    finally:
        col.close()


def test_typed_numbers_and_cloze_text():
    from quiz.bank import Question, Text
    from quiz.export import cloze_text, typed_number

    assert [typed_number(v) for v in (4096.0, 0.0125, 3.15e23, 2 / 3, -1e-5)] == \
        ["4096", "0.0125", "3.15e+23", "0.666667", "-1e-05"]  # fmt: skip
    q = Question("t.c", "t", "cloze", 1, Text("a < b: {{x | y}} and {{z}}\nend", "中 {{甲|乙}}"), None)
    assert cloze_text(q, "en") == "a &lt; b: {{c1::x}} and {{c1::z}}<br>end"
    assert cloze_text(q, "zh") == "中 {{c1::甲}}"


def test_markdown_cheat_sheets(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    out = tmp_path / "sheets"
    result = CliRunner().invoke(cli, ["export", "--format", "markdown", str(out)])
    assert result.exit_code == 0 and result.output == f"wrote 4 questions in 1 cheat sheet to {out} (index.md lists them)\n"
    assert sorted(p.name for p in out.iterdir()) == ["basics.md", "index.md"]
    assert (out / "index.md").read_text() == "# Cheat sheets\n\n- [Basics](basics.md) (4)\n"
    sheet = (out / "basics.md").read_text()
    blocks = sheet.split("\n### ")
    assert blocks[0] == "# Basics\n\n*4 questions · `basics`*\n"
    assert blocks[1].startswith("1. Why divide attention logits by sqrt(d_k)?\n\n**Answer:** To keep their variance near 1")
    from quiz.verify import load_expected

    expected = load_expected()
    assert f"var_unscaled_d64 = {expected['attention_scaling.var_unscaled_d64']:g}" in blocks[1]  # from expected.json
    assert "**Sources:** paper: Vaswani et al. 2017, Attention Is All You Need, 3.2.1" in blocks[1]
    mcq = blocks[2]
    assert "- a) " in mcq and "- c) " in mcq and "**Key numbers**" not in mcq  # no verifier, no numbers
    right = next(line for line in mcq.splitlines() if "The growth of the dot product" in line and line.startswith("- "))
    assert f"**Answer:** {right[2:4]} The growth of the dot product's variance with d_k" in mcq
    assert "**Answer:** d_k = 64. (within ±5%)" in blocks[3]
    assert blocks[4].startswith("4. BERT selects \\[1\\]\\_\\_\\_\\_ of tokens for prediction.")
    assert "**Answer:** BERT selects 15% of tokens for prediction." in blocks[4]

    zh = tmp_path / "zh"
    assert CliRunner().invoke(cli, ["export", "--format", "markdown", str(zh), "--lang", "zh"]).exit_code == 0
    text = (zh / "basics.md").read_text()
    assert text.startswith("# 基础\n") and "**答案：** 让方差保持在 1 附近" in text and "**来源：**" in text


def test_markdown_key_numbers_put_the_cards_own_check_first():
    from quiz.bank import Numeric, Question, Text
    from quiz.export_md import key_numbers

    q = Question("t.n", "t", "numeric", 1, Text("p", "p"), None, verifier=None,
                 numeric=Numeric(64.0, "attn.var_unscaled", None, 0.05, ""))  # fmt: skip
    expected = {"attn.var_scaled": 1.0, "attn.var_unscaled": 64.0, "attn.big": 4096.0, "other.x": 3.0}
    assert key_numbers(q, expected, "en") == ("**Key numbers** (verifier `attn`): var_unscaled = 64 (this card's answer)"
                                              " · big = 4,096 · var_scaled = 1")  # fmt: skip
    assert key_numbers(q, {"other.x": 3.0}, "en") is None


def test_markdown_escapes_bank_text():
    from quiz.export_md import md

    assert md("<b>*bold*</b> d_k _em_ `code` [link](x) a|b") == \
        "\\<b\\>\\*bold\\*\\</b\\> d_k \\_em\\_ \\`code\\` \\[link\\](x) a\\|b"  # fmt: skip
    assert md("# title\n1. one\n- two\x1b[2J") == "\\# title  \n1\\. one  \n\\- two"


def test_markdown_export_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    missing = CliRunner().invoke(cli, ["export", "--format", "markdown"])
    assert missing.exit_code == 2 and "--format markdown needs a directory" in missing.output
    a_file = tmp_path / "taken"
    a_file.write_text("keep me")
    result = CliRunner().invoke(cli, ["export", "--format", "markdown", str(a_file)])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "is a file" in result.output
    assert a_file.read_text() == "keep me"
    both = CliRunner().invoke(cli, ["export", str(tmp_path / "a.apkg"), "-o", str(tmp_path / "b.apkg")])
    assert both.exit_code == 2 and "give the destination once" in both.output
