"""`quiz export --format markdown DIR`: a printable cheat sheet per topic, in one language.

DIR/<topic>.md holds, for each question: the question (mcq choices lettered, cloze gaps blanked, a parametric
card with its fixed example draw, the same one the Anki export uses), the answer, the key numbers its verifier
recorded in verifiers/expected.json, and the sources. DIR/index.md links the topics. Bank text is escaped, so
it prints as written and never turns into Markdown or HTML; every file is written atomically.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
from pathlib import Path

from . import cards
from .bank import Bank, Question
from .parametric import pretty
from .safe_text import clean

LABELS = {
    "en": {"answer": "Answer:", "numbers": "Key numbers", "verifier": "verifier", "sources": "Sources:",
           "this_card": "this card's answer", "draw": "example draw", "questions": "questions", "index": "Cheat sheets",
           "within": "within", "explanation": "Why:", "colon": ": "},
    "zh": {"answer": "答案：", "numbers": "关键数值", "verifier": "验证程序", "sources": "来源：",
           "this_card": "本题答案", "draw": "示例参数", "questions": "题", "index": "速查表",
           "within": "误差", "explanation": "解释：", "colon": "："},
}  # fmt: skip

_ACTIVE = re.compile(r"([\\`*\[\]<>|#~])")  # characters Markdown (or HTML in it) would act on
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # d_k stays; _emphasis_ does not happen


def md(text: str) -> str:
    """Bank text as literal Markdown: control characters dropped, active characters backslash-escaped,
    a leading `1.`, `-` or `+` kept from turning the line into a list, line breaks kept as breaks."""
    text = _EDGE_UNDERSCORE.sub(r"\\_", _ACTIVE.sub(r"\\\1", clean(text)))
    lines = [re.sub(r"^(\s*)(\d+)([.)])", r"\1\2\\\3", re.sub(r"^(\s*)([-+])(\s)", r"\1\\\2\3", ln))
             for ln in text.split("\n")]  # fmt: skip
    return "  \n".join(ln.rstrip() for ln in lines)


def _source(s: dict) -> str:
    from .ui import format_source

    return md(format_source(s))


def key_numbers(q: Question, expected: dict[str, float], lang: str) -> str | None:
    """`check = value` for every check the question's verifier recorded, the card's own one first and marked."""
    name, own = q.proof()
    if not name:
        return None
    checks = {k.split(".", 1)[1]: v for k, v in expected.items() if k.startswith(name + ".")}
    if not checks:
        return None
    order = sorted(checks, key=lambda c: (c != own, c))
    label = LABELS[lang]
    parts = [f"{md(c)} = {pretty(checks[c])}" + (f" ({label['this_card']})" if c == own else "") for c in order]
    return f"**{label['numbers']}** ({label['verifier']} `{name}`){label['colon']}" + " · ".join(parts)


def question_block(n: int, q: Question, lang: str, expected: dict[str, float]) -> str:
    label = LABELS[lang]
    p = cards.present(q, lang, random.Random(q.id))  # the same fixed draw and choice order as the Anki export
    lines = [f"### {n}. {md(p.prompt).replace('  ' + chr(10), ' ')}"]
    if p.params:
        lines.append(f"*{label['draw']}{label['colon']}" + ", ".join(f"{md(k)} = {pretty(v)}" for k, v in p.params) + "*")
    if p.choices:
        lines.append("\n".join(f"- {chr(97 + i)}) {md(c)}" for i, c in enumerate(p.choices)))
    answer = md(p.answer)
    if p.choices:
        answer = f"{chr(97 + p.correct_index)}) {md(p.choices[p.correct_index])}" + (f"  \n{answer}" if answer else "")
    if q.numeric and q.numeric.tolerance:
        answer += f" ({label['within']} ±{q.numeric.tolerance * 100:g}%)"
    lines.append(f"**{label['answer']}** {answer}")
    if q.explanation and q.explanation.get(lang):
        lines.append(f"**{label['explanation']}** {md(q.explanation.get(lang))}")
    numbers = key_numbers(q, expected, lang)
    if numbers:
        lines.append(numbers)
    if q.sources:
        lines.append(f"**{label['sources']}** " + "; ".join(_source(s) for s in q.sources))
    lines.append(f"<sub>{md(q.id)}</sub>")
    return "\n\n".join(lines)


def topic_sheet(bank: Bank, topic: str, questions: list[Question], lang: str, expected: dict[str, float]) -> str:
    title = bank.titles[topic].get(lang) if topic in bank.titles else topic
    head = f"# {md(title)}\n\n*{len(questions)} {LABELS[lang]['questions']} · `{topic}`*"
    return "\n\n".join([head, *(question_block(i, q, lang, expected) for i, q in enumerate(questions, 1))]) + "\n"


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_markdown(bank: Bank, questions: list[Question], lang: str, directory: Path,
                    expected: dict[str, float] | None = None) -> list[Path]:  # fmt: skip
    """Write DIR/<topic>.md for each topic among `questions` and DIR/index.md; returns the topic files."""
    if expected is None:
        from .verify import load_expected

        expected = load_expected()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    by_topic: dict[str, list[Question]] = {}
    for q in questions:
        by_topic.setdefault(q.topic, []).append(q)
    written = []
    for topic, qs in by_topic.items():
        path = directory / f"{topic}.md"
        _write(path, topic_sheet(bank, topic, qs, lang, expected))
        written.append(path)
    index = [f"# {LABELS[lang]['index']}", ""]
    for topic, qs in by_topic.items():
        title = bank.titles[topic].get(lang) if topic in bank.titles else topic
        index.append(f"- [{md(title)}]({topic}.md) ({len(qs)})")
    _write(directory / "index.md", "\n".join(index) + "\n")
    return written
