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


def test_export_with_no_match_fails(monkeypatch):
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
        backs = [col.get_note(n)["Back"] for n in col.find_notes("")]
        assert any("To hold their variance" in b for b in backs)
    finally:
        col.close()
