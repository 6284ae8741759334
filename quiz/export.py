"""Export the banks as an Anki deck (.apkg) with genanki.

Notes get a GUID derived from the question id and language, so re-importing an updated export
updates the existing notes instead of duplicating them. One subdeck per topic, named by its title.
Three note types: cloze questions use Anki's own Cloze type (Anki blanks the gaps), numeric questions a
type-in card (the learner types the number, Anki shows the difference), everything else front/back.
A deck exported before these note types existed had numeric and cloze questions as front/back notes; Anki
never changes a note's type on import, so it skips those notes as "conflicting" (192 of 492 for the real
banks) and keeps the old ones: delete them in Anki (`note:"quiz (LLM interview)" tag:numeric` / `tag:cloze`)
and import again.
"""

from __future__ import annotations

import hashlib
import html
import random
from pathlib import Path

from . import cards
from .bank import GAP_RE, Bank, Question
from .safe_text import clean

MODEL_ID = 1_734_201_001  # fixed forever: Anki matches note types by id
TYPE_IN_MODEL_ID = 1_734_201_002  # numeric cards: the learner types the number, Anki compares it
CLOZE_MODEL_ID = 1_734_201_003  # cloze cards: Anki's own Cloze note type blanks the gaps
FIELDS = ["Id", "Topic", "Front", "Back", "Explanation", "Sources", "Verifier"]
TYPE_IN_FIELDS = ["Id", "Topic", "Front", "Answer", "Back", "Explanation", "Sources", "Verifier"]
CLOZE_FIELDS = ["Text", "Id", "Topic", "Extra", "Explanation", "Sources", "Verifier"]  # Text first: Anki sorts on it
CSS = ".card { font-family: -apple-system, sans-serif; font-size: 18px; text-align: left; } .meta { color: #888; }"
BACK_EXTRAS = ("{{#Explanation}}<p>{{Explanation}}</p>{{/Explanation}}"
               "<p class=meta>{{Sources}}{{#Verifier}}<br>verifier: {{Verifier}}{{/Verifier}}</p>")  # fmt: skip


def _id(text: str) -> int:
    """A stable positive 31-bit id for decks (Anki needs ints)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def _html(text: str) -> str:
    return html.escape(clean(text)).replace("\n", "<br>")


def typed_number(value: float) -> str:
    """The number a learner types on a type-in card: digits only, no thousands separators (4096, 0.0125, 3.15e+23)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}" if abs(value) >= 1e6 or abs(value) < 1e-3 else f"{value:.6g}"


def cloze_text(q: Question, lang: str) -> str:
    """The prompt in Anki's cloze syntax: every {{gap}} becomes {{c1::its first accepted form}}, so the one card
    blanks all gaps at once, as the quiz does."""
    prompt = q.prompt.get(lang)
    out, last = [], 0
    for m in GAP_RE.finditer(prompt):
        answer = m[1].split("|")[0].strip().replace("::", ": :")  # `::` would start a cloze hint
        out += [_html(prompt[last : m.start()]), "{{c1::", _html(answer).replace("}}", "} }"), "}}"]
        last = m.end()
    return "".join(out) + _html(prompt[last:])


def topic_title(bank: Bank, topic: str, lang: str) -> str:
    return bank.titles[topic].get(lang) if topic in bank.titles else topic


def note_fields(q: Question, lang: str, title: str | None = None) -> list[str]:
    """The fields of `q`'s note for its note type (see `note_model`); `title`: the topic's title."""
    from .ui import format_source

    # Parametric cards get one fixed draw per question, so an export is reproducible.
    p = cards.present(q, lang, random.Random(q.id))
    topic = _html(title or q.topic)
    sources = "<br>".join(_html(format_source(s)) for s in q.sources)
    explanation = _html(q.explanation.get(lang)) if q.explanation else ""
    if q.type == "cloze":
        extra = _html(q.answer.get(lang)) if q.answer and q.answer.get(lang) else ""
        return [cloze_text(q, lang), q.id, topic, extra, explanation, sources, q.verifier or ""]
    front = _html(p.prompt)
    if p.choices:
        front += "<ol type='a'>" + "".join(f"<li>{_html(c)}</li>" for c in p.choices) + "</ol>"
    if q.type == "numeric" and p.value is not None:
        tol = f"{q.numeric.tolerance * 100:g}%"
        hint = (f"输入数字{'（单位：' + p.unit + '）' if p.unit else ''}；误差在 ±{tol} 以内算对。" if lang == "zh" else
                f"Type the number{' in ' + p.unit if p.unit else ''}; within ±{tol} counts as right.")  # fmt: skip
        front += f"<div class=meta>{_html(hint)}</div>"
        return [q.id, topic, front, typed_number(p.value), _html(p.answer), explanation, sources, q.verifier or ""]
    back = ""
    if p.choices:
        back = f"<b>{chr(97 + p.correct_index)}) {_html(p.choices[p.correct_index])}</b><br>"
    back += _html(p.answer)
    return [q.id, topic, front, back, explanation, sources, q.verifier or ""]


def note_model(q: Question) -> str:
    """"cloze", "type-in" (numeric) or "basic": which of the three note types `q` is exported as."""
    if q.type == "cloze":
        return "cloze"
    return "type-in" if q.type == "numeric" and q.numeric and (q.numeric.value is not None or q.params) else "basic"


def _models():
    import genanki

    def model(model_id, name, fields, qfmt, afmt, **kw):
        return genanki.Model(model_id, name, fields=[{"name": f} for f in fields],
                             templates=[{"name": "Card 1", "qfmt": qfmt, "afmt": afmt}], css=CSS, **kw)  # fmt: skip

    return {
        "basic": model(MODEL_ID, "quiz (LLM interview)", FIELDS, "<div class=meta>{{Topic}}</div>{{Front}}",
                       "{{FrontSide}}<hr id=answer>{{Back}}" + BACK_EXTRAS),
        "type-in": model(TYPE_IN_MODEL_ID, "quiz (LLM interview, type the number)", TYPE_IN_FIELDS,
                         "<div class=meta>{{Topic}}</div>{{Front}}<br>{{type:Answer}}",
                         "<div class=meta>{{Topic}}</div>{{Front}}<hr id=answer>{{type:Answer}}<br>{{Back}}" + BACK_EXTRAS),
        "cloze": model(CLOZE_MODEL_ID, "quiz (LLM interview, cloze)", CLOZE_FIELDS,
                       "<div class=meta>{{Topic}}</div>{{cloze:Text}}",
                       "<div class=meta>{{Topic}}</div>{{cloze:Text}}{{#Extra}}<p>{{Extra}}</p>{{/Extra}}" + BACK_EXTRAS,
                       model_type=genanki.Model.CLOZE),
    }  # fmt: skip


def build_package(bank: Bank, questions: list[Question], lang: str):
    import genanki

    models = _models()
    decks = {}
    for q in questions:
        title = topic_title(bank, q.topic, lang)
        if q.topic not in decks:
            decks[q.topic] = genanki.Deck(_id(f"quiz::{lang}::{q.topic}"), f"quiz ({lang})::{title}")
        note = genanki.Note(model=models[note_model(q)], fields=note_fields(q, lang, title),
                            tags=[q.topic, *q.tags, q.type], guid=genanki.guid_for(q.id, lang))  # fmt: skip
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
