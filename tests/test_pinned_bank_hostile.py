"""The hostile banks of tests/test_hostile_banks.py (loader half), loaded in-process so that mutation testing
sees them: each row is the complete list of problems `bank.load` reports, as printed, and the bank directory is
byte for byte unchanged afterwards. The CLI rows there check the same refusals end to end (exit code, one line,
no traceback) in a child process where a regression could hang.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ALIAS_BOMB, BASE, BIG, cloze, digests, link, no_ids, numeric, raw

from quiz import bank
from quiz.problems import BankError

# name -> (the text of bank/demo.yaml, or a function that sets up the bank dir; every problem, as printed)
ROWS: dict[str, tuple[str | Callable[[Path], None], list[str]]] = {
    "esc-escape": (BASE.replace("Why scale?", "Why \\e[2Jscale?"), [
        "bank/demo.yaml:7:23: Q027 terminal control character U+001B (ESC) in text (an escape such as \\e or \\x1b?); "
        "delete it",
    ]),
    "esc-hex-escape-in-zh": (BASE.replace("为什么缩放？", "为什么\\x1b]0;pwned\\x07缩放？"), [
        "bank/demo.yaml:7:40: Q027 terminal control character U+001B (ESC) in text (an escape such as \\e or \\x1b?); "
        "delete it",
    ]),
    "c1-csi-escape": (BASE.replace("Variance.", "Var\\u009b31mance."), [
        "bank/demo.yaml:8:22: Q027 terminal control character U+009B (CSI) in text (an escape such as \\e or \\x1b?); "
        "delete it",
    ]),
    "raw-esc": (raw(BASE.replace("Variance.", "Var\x1b[31mance.").encode()), [
        "bank/demo.yaml:8:22: Q027 terminal control character U+001B (ESC) in the file; delete it",
    ]),
    "raw-bell-in-key": (raw(BASE.replace("difficulty", "diff\x07iculty").encode()), [
        "bank/demo.yaml:6:9: Q027 terminal control character U+0007 (BEL) in the file; delete it",
    ]),
    "raw-del": (raw(BASE.replace("scale?", "scale\x7f?").encode()), [
        "bank/demo.yaml:7:28: Q027 terminal control character U+007F (DEL) in the file; delete it",
    ]),
    "raw-c1": (raw(BASE.replace("scale?", "scale\x85?").encode()), [
        "bank/demo.yaml:7:28: Q027 terminal control character U+0085 (NEL) in the file; delete it",
    ]),
    "carriage-return-escape": (BASE.replace("Variance.", "Variance\\rFAKE"), [
        "bank/demo.yaml:8:27: Q027 terminal control character U+000D (CR) in text (an escape such as \\e or \\x1b?); "
        "delete it",
    ]),
    "crlf-line-endings-are-fine": (raw(BASE.replace("\n", "\r\n").encode()), []),
    "tab-indentation": (BASE.replace("    type:", "  \t  type:"), [
        "bank/demo.yaml:5:3: Q019 tab used for indentation; indent with spaces",
    ]),
    "python-tag": (BASE.replace("topic: demo", "topic: !!python/object/apply:os.system ['echo pwned']"), [
        "bank/demo.yaml:1:8: Q002 YAML error: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ]),
    "alias-bomb": (ALIAS_BOMB, [
        "bank/demo.yaml:5:5: Q031 aliases of the anchor here expand the file by more than 10,000 nodes (an alias bomb?); "
        "write the data out instead",
    ]),
    "recursive-alias": (BASE.replace('{en: "Variance.", zh: "方差。"}', "&a [x, *a]"), [
        "bank/demo.yaml:8:13: Q031 recursive alias: this anchor contains an alias of itself",
    ]),
    "nested-340-levels": (BASE + "description: " + "[" * 340 + "]" * 340 + "\n", [
        "bank/demo.yaml:10:63: Q032 nested more than 50 levels deep; a bank needs about 6",
    ]),
    "nested-5000-block-levels": (BASE + "description:\n  " + "- " * 5000 + "x\n", [
        "bank/demo.yaml:11:1999: Q032 nested more than 50 levels deep",
    ]),
    "fifo": (lambda d: os.mkfifo(d / "x.yaml"), [
        "bank/x.yaml:1:1: Q029 a named pipe (FIFO), not a regular file; a bank must be a plain .yaml file",
    ]),
    "symlink-to-dev-zero": (link("/dev/zero"), [
        "bank/x.yaml:1:1: Q029 a character device, not a regular file; a bank must be a plain .yaml file",
    ]),
    "symlink-loop": (link("x.yaml"), [
        "bank/x.yaml:1:1: Q029 symlink loop: the link points back to itself; replace it with the file",
    ]),
    "dangling-symlink": (link("/nonexistent/elsewhere.yaml"), [
        "bank/x.yaml:1:1: Q029 broken symlink (to /nonexistent/elsewhere.yaml, which does not exist); fix or delete the "
        "link",
    ]),
    "directory-named-yaml": (lambda d: (d / "x.yaml").mkdir(), [
        "bank/x.yaml:1:1: Q029 a directory, not a regular file; a bank must be a plain .yaml file",
    ]),
    "over-2-mib": (BIG, ["bank/demo.yaml:1:1: Q030 file is 2,097,428 bytes; bank files are limited to 2,097,152 bytes"]),
    "invalid-utf8": (raw(BASE.replace("Variance.", "Vari\udcffance.").encode("utf-8", "surrogateescape")), [
        "bank/demo.yaml:8:23: Q028 not valid UTF-8 (byte 0xff); save the file as UTF-8",
    ]),
    "raw-nul": (raw(BASE.replace("为什么", "为什\x00么").encode()), [
        "bank/demo.yaml:7:39: Q027 terminal control character U+0000 (NUL) in the file; delete it",
    ]),
    "value-nan": (numeric("value: .nan, tolerance: 0.05"), [
        "bank/demo.yaml:8:14: Q033 demo.one: value nan is not a finite number (NaN, infinity, or an integer too large for "
        "a float)",
    ]),
    "value-inf": (numeric("value: .inf, tolerance: 0.05"), [
        "bank/demo.yaml:8:14: Q033 demo.one: value inf is not a finite number (NaN, infinity, or an integer too large for "
        "a float)",
    ]),
    "value-huge-int": (numeric("value: 1" + "0" * 400 + ", tolerance: 0.05"), [
        "bank/demo.yaml:8:14: Q033 demo.one: value an integer of about 401 digits is not a finite number (NaN, infinity, "
        "or an integer too large for a float)",
    ]),
    "value-int-beyond-str-limit": (numeric("value: 1" + "0" * 5000 + ", tolerance: 0.05"), [
        "bank/demo.yaml:8:21: Q033 integer with 5,001 characters is too large",
    ]),
    "tolerance-nan": (numeric("value: 64, tolerance: .nan"), [
        "bank/demo.yaml:8:25: Q033 demo.one: tolerance nan is not a finite number",
    ]),
    "tolerance-inf": (numeric("value: 64, tolerance: .inf"), [
        "bank/demo.yaml:8:25: Q033 demo.one: tolerance inf is not a finite number",
    ]),
    "param-nan": (numeric("compute: qk_variance, tolerance: 0.01", "d_k: [16, .nan]"), [
        "bank/demo.yaml:7:14: Q033 demo.one: param 'd_k' holds nan, not a finite number",
    ]),
    "param-range-inf": (numeric("compute: qk_variance, tolerance: 0.01", "d_k: {min: 1, max: .inf}"), [
        "bank/demo.yaml:7:14: Q033 demo.one: param 'd_k' holds inf, not a finite number",
    ]),
    "param-range-too-many-steps": (numeric("compute: qk_variance, tolerance: 0.01",
                                           "d_k: {min: -1.0e+308, max: 1.0e+308}"), [
        "bank/demo.yaml:7:14: Q033 demo.one: param 'd_k' spans too many steps to draw from",
    ]),
    "cloze-empty-alternatives": (cloze("Divide by {{ | }}"), [
        "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): gap '{{ | }}' has an empty answer; write what the learner "
        "must type",
    ]),
    "cloze-empty-gap": (cloze("Divide by {{sqrt(d_k)}} and {{}}"), [
        "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): gap '{{}}' has an empty answer; write what the learner "
        "must type",
    ]),
    "cloze-nested": (cloze("Divide by {{a {{b}} c}}"), [
        "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): a gap inside a gap at '{{a {{b}} c}}'; gaps cannot be "
        "nested",
    ]),
    "cloze-stray-close": (cloze("Divide by {{a}} }}"), [
        "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): '}}' without an opening '{{' in 'Divide by {{a}} }}'",
    ]),
    "cloze-unclosed": (cloze("Divide by {{a}} {{b"), [
        "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): '{{' without a closing '}}' in '{{b'",
    ]),
    "tag-with-space": (BASE + "    tags: [scaling, soft max]\n", [
        "bank/demo.yaml:10:21: Q037 demo.one: tag 'soft max' must be lowercase words joined by hyphens, without spaces "
        "(e.g. 'soft-max')",
    ]),
    "two-questions-without-id": (no_ids, [
        "bank/demo.yaml:10:5: Q004 question without an id",
        "bank/demo.yaml:15:5: Q004 question without an id",
    ]),
    "value-from-odd-name": (numeric("value_from: 1.50, tolerance: 0.05"), [
        "bank/demo.yaml:8:14: Q011 demo.one: value_from '1.50' must be <verifier>.<check>",
    ]),
    "value-from-unknown-verifier": (numeric("value_from: Attention_Scaling.var, tolerance: 0.05"), [
        "bank/demo.yaml:8:14: Q010 demo.one: value_from 'Attention_Scaling.var' names unknown verifier 'Attention_Scaling'",
    ]),
}


def load_row(name: str, tmp_path: Path) -> list[str]:
    setup = ROWS[name][0]
    (tmp_path / "bank").mkdir()
    if isinstance(setup, str):
        (tmp_path / "bank" / "demo.yaml").write_text(setup, encoding="utf-8")
    else:
        setup(tmp_path / "bank")
    before = digests(tmp_path / "bank")
    _, problems = bank.load([Path("bank")], strict=False)
    assert digests(tmp_path / "bank") == before
    return [str(p) for p in problems]


@pytest.mark.parametrize("name", list(ROWS))
def test_hostile_bank_in_process(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_row(name, tmp_path) == ROWS[name][1]


def test_strict_load_refuses_a_hostile_bank_with_the_same_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = load_row("two-questions-without-id", tmp_path)
    with pytest.raises(BankError) as info:
        bank.load([Path("bank")])
    assert [str(p) for p in info.value.problems] == lines and info.value.lines() == lines


def test_a_moderate_alias_is_fine(tmp_path, monkeypatch):
    """Aliases are allowed within the budget: a source written once and reused."""
    monkeypatch.chdir(tmp_path)
    text = BASE.replace('    sources: [{paper: "Vaswani et al. 2017", where: "3.2.1"}]',
                        '    sources: [&vaswani {paper: "Vaswani et al. 2017", where: "3.2.1"}]')
    text += "".join(f"  - id: demo.q{i}\n    type: flashcard\n    difficulty: 1\n    prompt: {{en: 'Q{i}?', zh: "
                    f"'问{i}？'}}\n    answer: {{en: 'A{i}.', zh: '答{i}。'}}\n    sources: [*vaswani]\n"
                    for i in range(20))  # fmt: skip
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(text, encoding="utf-8")
    b, problems = bank.load([Path("bank")])
    assert problems == [] and len(b.questions) == 21
    assert b.questions[-1].sources == ({"paper": "Vaswani et al. 2017", "where": "3.2.1"},)


def test_the_same_bank_directory_twice_is_loaded_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(BASE, encoding="utf-8")
    b, problems = bank.load([Path("bank"), Path("./bank"), Path("bank/../bank"), tmp_path / "bank"])
    assert problems == [] and [(q.id, q.path) for q in b.questions] == [("demo.one", "bank/demo.yaml")]


def test_a_symlink_to_a_regular_bank_file_is_read_under_its_own_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "real.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").symlink_to(tmp_path / "elsewhere" / "real.yaml")
    b, problems = bank.load([Path("bank")])
    assert problems == [] and [(q.id, q.path, q.line) for q in b.questions] == [("demo.one", "bank/demo.yaml", 4)]
