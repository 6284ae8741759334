"""Pinned Anki export (quiz/export.py): exact note fields, ids, the note type and the decks."""

import hashlib
import random

import pytest

from quiz import cards, export
from quiz.bank import Bank, Choice, Question, Text

T = Text


def mcq() -> Question:
    choices = (Choice(T("a < b", "甲"), False), Choice(T("B\nline", "乙"), True), Choice(T("C", "丙"), False))
    return Question("t.mcq", "t", "mcq", 1, T("Pick & go", "选"), T("Why <so>", "因为"), T("Ex\nplained", "解释"),
                    tags=("x",), choices=choices, verifier="attention_scaling",
                    sources=({"paper": "P 2017", "where": "3"}, {"url": "https://e.org", "title": "E"}))  # fmt: skip


def test_mcq_fields_exact():
    q = mcq()
    p = cards.present(q, "en", random.Random(q.id))
    right = p.correct_index
    f = export.note_fields(q, "en")
    items = "".join(f"<li>{c.replace('<', '&lt;').replace(chr(10), '<br>')}</li>" for c in p.choices)
    assert f[:2] == ["t.mcq", "t"]
    assert f[2] == "Pick &amp; go<ol type='a'>" + items + "</ol>"
    assert f[3] == f"<b>{'abc'[right]}) B<br>line</b><br>Why &lt;so&gt;"
    assert f[4] == "Ex<br>plained" and f[6] == "attention_scaling"
    assert f[5] == "paper: P 2017, 3<br>E: &lt;https://e.org&gt;"
    zh = export.note_fields(q, "zh")
    assert zh[4] == "解释" and zh[3].endswith("因为") and "乙" in zh[3]


def test_self_rated_fields_and_no_verifier():
    q = Question("t.f", "t", "flashcard", 1, T("Q?", "问？"), T("A.", "答。"))
    assert export.note_fields(q, "en") == ["t.f", "t", "Q?", "A.", "", "", ""]
    assert export.note_fields(q, "zh") == ["t.f", "t", "问？", "答。", "", "", ""]


def test_ids_are_stable_31_bit():
    want = int(hashlib.sha256(b"quiz::en::t").hexdigest()[:8], 16) & 0x7FFFFFFF
    assert export._id("quiz::en::t") == want and 0 <= want < 2**31
    assert all(0 <= export._id(str(i)) < 2**31 for i in range(200))
    assert max(export._id(str(i)) for i in range(200)) > 2**30  # the top bit of 31 is used: not truncated


def test_package_has_one_deck_per_topic_and_the_note_type():
    import genanki

    bank = Bank((mcq(), Question("u.f", "u", "flashcard", 1, T("Q", "问"), T("A", "答"), tags=("y",))),
                titles={"t": T("Tee", "T 主题")})  # fmt: skip
    pkg = export.build_package(bank, list(bank.questions), "zh")
    decks = {d.name: d for d in pkg.decks}
    assert set(decks) == {"quiz (zh)::T 主题", "quiz (zh)::u"}
    assert decks["quiz (zh)::T 主题"].deck_id == export._id("quiz::zh::t")
    note = decks["quiz (zh)::T 主题"].notes[0]
    assert note.guid == genanki.guid_for("t.mcq", "zh") and note.tags == ["t", "x", "mcq"]
    model = note.model
    assert model.model_id == export.MODEL_ID == 1_734_201_001 and model.name == "quiz (LLM interview)"
    assert [f["name"] for f in model.fields] == export.FIELDS and model.css == export.CSS
    [tmpl] = model.templates
    assert tmpl["name"] == "Card 1" and tmpl["qfmt"] == "<div class=meta>{{Topic}}</div>{{Front}}"
    assert tmpl["afmt"] == ("{{FrontSide}}<hr id=answer>{{Back}}{{#Explanation}}<p>{{Explanation}}</p>"
                            "{{/Explanation}}<p class=meta>{{Sources}}{{#Verifier}}<br>verifier: {{Verifier}}"
                            "{{/Verifier}}</p>")  # fmt: skip


def test_the_right_letter_follows_the_shuffle():
    seen = set()
    for i in range(8):
        q = mcq().__class__(**{**mcq().__dict__, "id": f"t.mcq{i}"})
        p = cards.present(q, "en", random.Random(q.id))
        back = export.note_fields(q, "en")[3]
        assert back.startswith(f"<b>{'abc'[p.correct_index]}) B<br>line</b>")
        seen.add(p.correct_index)
    assert len(seen) > 1


def test_the_deck_file_is_written_atomically_with_normal_permissions(tmp_path, monkeypatch):
    import os

    bank = Bank((mcq(),))
    out = tmp_path / "deck.apkg"
    assert export.export(bank, list(bank.questions), "en", out) == 1
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask and out.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg"]
    before = out.read_bytes()

    class Boom(Exception):
        pass

    def fail(self, path):
        assert os.path.dirname(path) == str(tmp_path) and os.path.basename(path).startswith(".deck.apkg.")
        assert path.endswith(".tmp")
        raise Boom

    import genanki

    monkeypatch.setattr(genanki.Package, "write_to_file", fail)
    with pytest.raises(Boom):
        export.export(bank, list(bank.questions), "en", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg"] and out.read_bytes() == before
