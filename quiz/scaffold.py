"""Templates for contributors: a new question appended to a bank, a new verifier file.

Everything here writes text, never re-dumps YAML, so a bank's comments, quoting and
order survive exactly. Placeholders are the word TODO, which `quiz check` reports
(Q026) until it is replaced, and a scaffolded verifier fails until its expected
value is written. No rich, no torch.
"""

from __future__ import annotations

import re
from pathlib import Path

from .bank import ID_RE, TOPIC_RE, TYPES, Bank

SCHEMA_LINE = "# yaml-language-server: $schema=schema.json"
ITEM_INDENT = 2  # templates are written for `questions:` items indented by two spaces

_C = 38  # column where the trailing comments of a template start


def _line(code: str, comment: str = "") -> str:
    return code + " " * max(_C - len(code), 2) + f"# {comment}" if comment else code


def slugify(text: str) -> str:
    """'Why sqrt(d_k)?' -> 'why-sqrt-d-k': lowercase letters and digits joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("_", " "))
    return "-".join(words)


def next_id(bank: Bank, topic: str, slug_hint: str) -> str:
    """A fresh `<topic>.<slug>` id: not used by any question and not listed in any renamed_from
    (ids are never reused, or old progress would attach to a different question)."""
    if not TOPIC_RE.match(topic):
        raise ValueError(f"bad topic {topic!r}: lowercase letters, digits and _, starting with a letter")
    hint = slug_hint.strip()
    if hint.startswith(topic + "."):
        hint = hint[len(topic) + 1 :]
    slug = slugify(hint) or "question"
    taken = set(bank.by_id)
    for q in bank.questions:
        taken.update(q.renamed_from)
    qid, n = f"{topic}.{slug}", 2
    while qid in taken:
        qid, n = f"{topic}.{slug}-{n}", n + 1
    assert ID_RE.match(qid), qid
    return qid


# --- question templates ------------------------------------------------------------------

_HEAD = """\
{id_line}
    type: {qtype}
{difficulty}
{tags}
"""

_PROMPT = {
    "flashcard": ('"TODO: the question, as an interviewer would ask it"', '"TODO：用中文写出问题"',
                  "the question"),
    "mcq": ('"TODO: the question the choices answer"', '"TODO：问题"',
            "choices are shuffled: never refer to letters or write 'all of the above'"),
    "numeric": ('"TODO: a question whose answer is one number"', '"TODO：答案是一个数的问题"',
                "a question with a numeric answer"),
    "cloze": ('"TODO: a sentence with a {{gap}} to fill in"', '"TODO：带 {{空}} 的句子"',
              "gaps in {{double braces}}, both languages; | separates accepted answers"),
    "errata": ('"TODO: paraphrase a wrong claim of the kind the posts make; ask what is wrong with it"',
               '"TODO：转述文章里的一个错误说法，问错在哪里"', "our own wording: never copy prose"),
}  # fmt: skip

_ANSWER = {
    "flashcard": ('"TODO: the answer"', '"TODO：答案"',
                  "one to four sentences: what an interviewer wants to hear"),
    "mcq": ('"TODO: why the right choice is right"', '"TODO：为什么这个选项对"',
            "shown after the student answers"),
    "errata": ('"TODO: name the error, then give the fix"', '"TODO：指出错误，给出正确说法"',
               "the error and the fix"),
}  # fmt: skip

_MCQ_CHOICES = """\
{choices}
      - {{en: "TODO: the right answer", zh: "TODO：正确选项", correct: true}}
      - {{en: "TODO: a tempting wrong answer", zh: "TODO：似是而非的错误选项"}}
      - {{en: "TODO: another wrong answer", zh: "TODO：另一个错误选项"}}
"""

_NUMERIC_ANSWER = """\
{answer}
{value}
{tolerance}
{unit}
      en: "TODO: the answer in words, with its number"
      zh: "TODO：用文字给出答案和数值"
"""

_OPTIONAL = """\
{explanation}
{verifier}
"""

_SOURCES = """\
{sources}
      - {{paper: "TODO: Authors year, Title", where: "TODO: section, table or equation"}}
{post}
"""


def question_template(qid: str, qtype: str, verifier: str | None = None) -> str:
    """The YAML for one question of `qtype`, as an item of `questions:` (indented two spaces),
    ending with a newline. Every text is a TODO placeholder that `quiz check` reports (Q026)."""
    if qtype not in TYPES:
        raise ValueError(f"unknown type {qtype!r}; choose from {', '.join(TYPES)}")
    if not ID_RE.match(qid):
        raise ValueError(f"bad id {qid!r}: use <topic>.<slug> with lowercase letters, digits and hyphens")
    out = _HEAD.format(
        id_line=_line(f"  - id: {qid}", "stable forever: progress is keyed on it"),
        qtype=qtype,
        difficulty=_line("    difficulty: 2", "1 easy, 2 medium, 3 hard"),
        tags=_line("    tags: []", "lowercase words, e.g. [scaling, softmax]"),
    )
    en, zh, hint = _PROMPT[qtype]
    out += _line("    prompt:", hint) + f"\n      en: {en}\n      zh: {zh}\n"
    if qtype == "mcq":
        out += _MCQ_CHOICES.format(choices=_line("    choices:", "3 to 5; exactly one correct: true"))
    if qtype in _ANSWER:
        en, zh, hint = _ANSWER[qtype]
        out += _line("    answer:", hint) + f"\n      en: {en}\n      zh: {zh}\n"
    elif qtype == "numeric":
        out += _NUMERIC_ANSWER.format(
            answer=_line("    answer:", "exactly one of value, value_from, compute"),
            value=_line("      value: 0", "the number; or value_from: <verifier>.<check>"),
            tolerance=_line("      tolerance: 0.05", "relative: 0.05 = within 5%"),
            unit=_line('      unit: ""', 'free text; "%" means the value is in percent'),
        )
    out += _OPTIONAL.format(
        explanation=_line("    # explanation: {en: ..., zh: ...}", "optional: the why, with numbers"),
        verifier=_line(f"    verifier: {verifier}", "verifiers/<name>.py proves the answer") if verifier
        else _line("    # verifier: attention_scaling", "optional: verifiers/<name>.py that proves it"),
    )  # fmt: skip
    out += _SOURCES.format(
        sources=_line("    sources:", "at least one: {paper, where}, {post, section} or {url, title}"),
        post=_line("      # - {post: <post title>, section: <heading>}", "a post's title and heading"),
    )
    return out


def new_bank_header(topic: str, title_en: str = "", title_zh: str = "") -> str:
    """The first lines of a new `questions/<topic>.yaml`."""
    if not TOPIC_RE.match(topic):
        raise ValueError(f"bad topic {topic!r}")
    en = _quote(title_en) if title_en else '"TODO: the topic\'s title"'
    zh = _quote(title_zh) if title_zh else '"TODO：主题标题"'
    return f"{SCHEMA_LINE}\ntopic: {topic}\ntitle: {{en: {en}, zh: {zh}}}\nquestions:\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def append_question(path: Path, block: str, *, title_en: str = "", title_zh: str = "") -> int:
    """Append a question block (from question_template) to the bank at `path` and return the line
    number of its `- id:` line. The existing text is kept byte for byte: the block is inserted at
    the end of the `questions:` list (before any top-level key that follows it). A missing file is
    created with the schema line, topic (the file's name) and title. The file is replaced atomically,
    and keeps its BOM and line endings (CRLF stays CRLF, and the new lines use it too)."""
    path = Path(path)
    if not path.exists():
        text = new_bank_header(path.stem, title_en, title_zh)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, text + block)
        return text.count("\n") + 1

    text = path.read_bytes().decode("utf-8")  # bytes: no newline translation, a BOM stays a \ufeff
    nl = "\r\n" if "\r\n" in text else "\n"
    block = block.replace("\n", nl)
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)  # only \n ends a line (as in YAML), \r stays in it
    q_at = next((i for i, ln in enumerate(lines) if re.match(r"questions\s*:", ln.lstrip("\ufeff"))), None)
    if q_at is None:  # no list yet: start one at the end
        head = text if not text or text.endswith("\n") else text + nl
        _write_atomic(path, head + "questions:" + nl + block)
        return head.count("\n") + 2

    rest = lines[q_at].split(":", 1)[1].split("#", 1)[0].strip()
    if rest in ("[]", "null", "~"):  # `questions: []`: becomes a block list
        head = lines[q_at].split(":", 1)[0]
        lines[q_at] = head + ":" + lines[q_at].split(":", 1)[1].replace(rest, "", 1).rstrip() + nl
    elif rest:
        raise ValueError(f"{path}: `questions:` is written inline; append the question by hand")

    # Where do the items start, and where does the list end?
    indent = None
    end = len(lines)
    for i in range(q_at + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        col = len(lines[i]) - len(lines[i].lstrip(" "))
        if indent is None and stripped.startswith("-"):
            indent = col
        if col == 0 and not (indent == 0 and stripped.startswith("-")):
            end = i  # the next top-level key
            break
    # Blank lines and column-0 comments just above the next top-level key stay with that key.
    if end < len(lines):
        while end > q_at + 1 and (lines[end - 1].startswith("#") or not lines[end - 1].strip()):
            end -= 1
    block = _reindent(block, (indent if indent is not None else ITEM_INDENT) - ITEM_INDENT)

    before = lines[:end]
    if before and not before[-1].endswith("\n"):
        before[-1] += nl
    sep = nl if end > q_at + 1 and before[-1].strip() else ""  # a blank line between questions
    after = lines[end:]
    tail = [nl] if after and after[0].strip() else []
    new_text = "".join(before) + sep + block + "".join(tail + after)
    _write_atomic(path, new_text)
    return len(before) + (1 if sep else 0) + 1


def _write_atomic(path: Path, text: str) -> None:
    """Write `text` as UTF-8 bytes (no newline translation) to a temporary file beside `path`, then
    rename it over `path`: a failure never leaves half a bank."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reindent(block: str, shift: int) -> str:
    if shift == 0:
        return block
    out = []
    for ln in block.splitlines(keepends=True):
        if not ln.strip():
            out.append(ln)
        elif shift > 0:
            out.append(" " * shift + ln)
        else:
            out.append(ln[min(-shift, len(ln) - len(ln.lstrip(" "))):])
    return "".join(out)


# --- verifier template ---------------------------------------------------------------------

_VERIFIER = '''\
"""{claim}

TODO: in two or three sentences, say why the claim holds: the math a reader should learn
from this file. Then write run() below. Until the expected value is filled in,
`python verifiers/{name}.py` fails.
"""

import torch
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

TODO = -1.0e9  # placeholder for an expected value not written yet: no check against it passes


def measure(x: torch.Tensor) -> torch.Tensor:
    """(N, d) -> (N,): the quantity the claim is about, computed the obvious way.

    TODO: replace this example (the squared length of each row) with your computation.
    """
    return (x * x).sum(-1)  # (N,)


def run(seed: int = 0) -> list:
    g = torch.Generator().manual_seed(seed)  # seeded: the same numbers on every machine
    n, d = 10_000, 64  # samples and size: small, CPU only, well under 2 s
    x = torch.randn(n, d, generator=g, dtype=torch.float64)  # (N, d), float64 where precision matters
    measured = measure(x).mean()  # () a scalar: the sample mean over N rows

    # The expected value must be computed independently of `measured`: a closed form, a hand
    # computation, or a reference implementation (e.g. torch.nn.functional.scaled_dot_product_attention).
    # For the example above, E[|x|^2] = d for standard normal x, so `expected = d` would pass.
    expected = TODO
    return [
        # one check per fact; snake_case names; relative tolerance from the sampling error (~1/sqrt(n))
        check("todo_name_this_check", expected=expected, measured=measured, rel_tol=0.05),
    ]


if __name__ == "__main__":
    main(run)
'''


def verifier_template(name: str, claim: str) -> str:
    """verifiers/<name>.py in the contract of verifiers/attention_scaling.py (docstring claim,
    run(seed) -> list[Check], main(run)); it runs and fails until its expected value is written."""
    if not re.match(r"^[a-z][a-z0-9_]*$", name):
        raise ValueError(f"bad verifier name {name!r}: lowercase letters, digits and _")
    claim = " ".join(claim.split()) or "TODO: state the claim in one sentence, with its numbers."
    claim = claim.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if claim.endswith('"'):
        claim += " "
    return _VERIFIER.format(claim=claim, name=name)
