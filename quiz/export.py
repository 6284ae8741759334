"""Export the banks as an Anki deck (.apkg) with genanki.

Notes get a GUID derived from the question id and language, so re-importing an updated export
updates the existing notes instead of duplicating them. One subdeck per topic.
"""

from __future__ import annotations

import hashlib
import html
import random
from pathlib import Path

from . import cards
from .bank import Bank, Question

MODEL_ID = 1_734_201_001  # fixed forever: Anki matches note types by id
FIELDS = ["Id", "Topic", "Front", "Back", "Explanation", "Sources", "Verifier"]
CSS = ".card { font-family: -apple-system, sans-serif; font-size: 18px; text-align: left; } .meta { color: #888; }"


def _id(text: str) -> int:
    """A stable positive 31-bit id for decks (Anki needs ints)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def note_fields(q: Question, lang: str) -> list[str]:
    # Parametric cards get one fixed draw per question, so an export is reproducible.
    p = cards.present(q, lang, random.Random(q.id))
    front = _html(p.prompt)
    if p.choices:
        front += "<ol type='a'>" + "".join(f"<li>{_html(c)}</li>" for c in p.choices) + "</ol>"
    back = ""
    if p.choices:
        back = f"<b>{chr(97 + p.correct_index)}) {_html(p.choices[p.correct_index])}</b><br>"
    back += _html(p.answer)
    from .ui import format_source

    sources = "<br>".join(_html(format_source(s)) for s in q.sources)
    explanation = _html(q.explanation.get(lang)) if q.explanation else ""
    return [q.id, q.topic, front, back, explanation, sources, q.verifier or ""]


def build_package(bank: Bank, questions: list[Question], lang: str):
    import genanki

    model = genanki.Model(
        MODEL_ID, "quiz (LLM interview)", fields=[{"name": f} for f in FIELDS],
        templates=[{
            "name": "Card 1",
            "qfmt": "<div class=meta>{{Topic}}</div>{{Front}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"
                    "{{#Explanation}}<p>{{Explanation}}</p>{{/Explanation}}"
                    "<p class=meta>{{Sources}}{{#Verifier}}<br>verifier: {{Verifier}}{{/Verifier}}</p>",
        }],
        css=CSS,
    )  # fmt: skip
    decks = {}
    for q in questions:
        if q.topic not in decks:
            title = bank.titles[q.topic].get(lang) if q.topic in bank.titles else q.topic
            decks[q.topic] = genanki.Deck(_id(f"quiz::{lang}::{q.topic}"), f"quiz ({lang})::{title}")
        note = genanki.Note(model=model, fields=note_fields(q, lang), tags=[q.topic, *q.tags, q.type],
                            guid=genanki.guid_for(q.id, lang))  # fmt: skip
        decks[q.topic].add_note(note)
    return genanki.Package(list(decks.values()))


def export(bank: Bank, questions: list[Question], lang: str, path: Path) -> int:
    """Write the deck to a temporary file beside `path`, then rename it over `path`: a failed export
    (full disk, Ctrl-C) leaves the previous deck as it was."""
    import os
    import tempfile

    path = Path(path)
    package = build_package(bank, questions, lang)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # a deck gets the permissions of any new file, not mkstemp's 0600
    try:
        package.write_to_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(questions)
