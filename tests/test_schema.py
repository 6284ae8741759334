"""questions/schema.json agrees with the loader (quiz/bank.py) on which bank files are valid.

Each example is a whole bank file `demo.yaml`. Where the schema cannot see a rule (ids unique
across files, the id's prefix, registries of verifiers and compute functions), the case is
listed separately: the loader rejects it with the given code while the schema accepts it.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from quiz.bank import validate_files
from quiz.params import COMPUTE

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "questions" / "schema.json").read_text(encoding="utf-8"))
VERIFIERS = {"attention_scaling"}
EXPECTED = {"attention_scaling.var_unscaled_d64": 64.0}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the loader's parser

HEAD = "topic: demo\ntitle: {en: Demo, zh: 演示}\nquestions:\n"
EMPTY = HEAD.replace("questions:\n", "questions: []\n")
SRC = '    sources: [{paper: "Vaswani et al. 2017, Attention Is All You Need", where: "3.2.1"}]\n'


def q(body: str, qtype: str = "flashcard", qid: str = "demo.one", sources: str = SRC) -> str:
    """A bank holding one question: id, type, difficulty 2, then `body`, then sources."""
    return HEAD + f"  - id: {qid}\n    type: {qtype}\n    difficulty: 2\n" + body + sources


FLASH = '    prompt: {en: "Why scale?", zh: "为什么缩放？"}\n    answer: {en: "Variance.", zh: "方差。"}\n'
MCQ = """\
    prompt: {en: "Pick one", zh: "选一个"}
    answer: {en: "Because.", zh: "因为。"}
    choices:
      - {en: A thing, zh: 一, correct: true}
      - {en: B thing, zh: 二}
      - {en: C thing, zh: 三}
"""
NUM_PROMPT = '    prompt: {en: "Var(q·k) at d_k = 64?", zh: "d_k = 64 时的方差？"}\n'


def num(answer: str, params: str = "") -> str:
    """A bank with one numeric question: `answer` is the inside of the answer's flow mapping."""
    params = f"    params: {{{params}}}\n" if params else ""
    return q(params + NUM_PROMPT + f"    answer: {{{answer}}}\n", "numeric")


VFROM = "value_from: attention_scaling.var_unscaled_d64"

VALID = {
    "flashcard": q(FLASH),
    "flashcard-everything": q(
        FLASH + "    tags: [scaling, soft-max]\n    explanation: {en: Sums of d_k terms., zh: d_k 项之和。}\n"
        "    verifier: attention_scaling\n    renamed_from: demo.old\n",
        sources='    sources:\n      - {url: "https://arxiv.org/abs/1706.03762", title: Attention}\n'
        "      - {post: 大语言模型的前世今生, section: 注意力机制}\n"
        "      - {paper: Vaswani 2017, where: 3}\n",
    ),
    "description": EMPTY + "description: anything\n",
    "mcq": q(MCQ, "mcq"),
    "numeric-value": num("value: 64, tolerance: 0.05, unit: '', en: '64', zh: '64'"),
    "numeric-just-a-number": num("value: 64, tolerance: 0.05"),
    "numeric-value-from": num(VFROM + ", tolerance: 0.05, en: d_k, zh: d_k"),
    "numeric-parametric": num("compute: prefix_allowed_pairs, tolerance: 0.01, en: '{answer}', zh: 对数",
                              params="seq_len: [16, 64], prefix_len: {min: 1, max: 9, step: 2}"),
    "numeric-text-is-a-number": num("value: 64, tolerance: 0.05, en: 64, zh: 64"),
    "cloze-without-answer": q('    prompt: {en: "Divide by {{sqrt(d_k)|√d_k}}", zh: "除以 {{根号 d_k}}"}\n',
                              "cloze"),
    "errata": q(FLASH, "errata"),
    "renamed-from-list": q(FLASH + "    renamed_from: [demo.a, demo.b]\n"),
    "no-questions-yet": EMPTY,
    "explanation-null": q(FLASH + "    explanation:\n    verifier:\n"),
}

INVALID = {
    "empty-file": "",
    "top-level-list": "- topic: demo\n",
    "no-title": "topic: demo\nquestions: []\n",
    "topic-uppercase": EMPTY.replace("topic: demo", "topic: Demo"),
    "unknown-top-level-key": EMPTY + "author: me\n",
    "title-missing-zh": "topic: demo\ntitle: {en: Demo}\nquestions: []\n",
    "questions-null": HEAD,
    "questions-not-a-list": "topic: demo\ntitle: {en: Demo, zh: 演示}\nquestions: {a: 1}\n",
    "unknown-question-key": q(FLASH + "    hint: think\n"),
    "missing-sources": q(FLASH, sources=""),
    "empty-sources": q(FLASH, sources="    sources: []\n"),
    "source-two-kinds": q(FLASH, sources="    sources: [{post: P, paper: Q}]\n"),
    "source-wrong-companion": q(FLASH, sources="    sources: [{post: P, where: W}]\n"),
    "source-null-field": q(FLASH, sources="    sources: [{post: P, section: }]\n"),
    "difficulty-4": q(FLASH).replace("difficulty: 2", "difficulty: 4"),
    "difficulty-text": q(FLASH).replace("difficulty: 2", "difficulty: two"),
    "difficulty-missing": q(FLASH).replace("    difficulty: 2\n", ""),
    "unknown-type": q(FLASH, "quiz"),
    "bad-id": q(FLASH, qid="demo.Why_Scale"),
    "tags-not-a-list": q(FLASH + "    tags: scaling\n"),
    "prompt-missing-zh": q('    prompt: {en: "Why?"}\n    answer: {en: "A.", zh: "答。"}\n'),
    "prompt-blank-en": q('    prompt: {en: "  ", zh: "为什么？"}\n    answer: {en: "A.", zh: "答。"}\n'),
    "prompt-is-text": q('    prompt: "Why?"\n    answer: {en: "A.", zh: "答。"}\n'),
    "flashcard-without-answer": q('    prompt: {en: "Why?", zh: "为什么？"}\n'),
    "answer-unknown-key": q('    prompt: {en: "Why?", zh: "为什么？"}\n'
                            "    answer: {en: A, zh: 答, text: A}\n"),
    "choices-on-flashcard": q(FLASH + "    choices: [{en: A, zh: 一, correct: true}, {en: B, zh: 二}]\n"),
    "params-on-flashcard": q(FLASH + "    params: {d_k: [16]}\n"),
    "mcq-no-choices": q(MCQ.split("    choices:")[0], "mcq"),
    "mcq-zero-correct": q(MCQ.replace(", correct: true", ""), "mcq"),
    "mcq-two-correct": q(MCQ.replace("zh: 二}", "zh: 二, correct: true}"), "mcq"),
    "mcq-one-choice": q(MCQ.split("      - {en: B")[0], "mcq"),
    "mcq-seven-choices": q(MCQ + "".join(f"      - {{en: X{i}, zh: 错{i}}}\n" for i in range(4)), "mcq"),
    "mcq-correct-is-text": q(MCQ.replace("correct: true", "correct: yes please"), "mcq"),
    "mcq-choice-unknown-key": q(MCQ.replace("zh: 三}", "zh: 三, why: no}"), "mcq"),
    "numeric-no-answer": q(NUM_PROMPT, "numeric"),
    "numeric-no-tolerance": num("value: 64, en: '64', zh: '64'"),
    "numeric-zero-tolerance": num("value: 64, tolerance: 0, en: '64', zh: '64'"),
    "numeric-value-and-value-from": num("value: 64, tolerance: 0.1, " + VFROM),
    "numeric-no-value": num("tolerance: 0.1, en: '64', zh: '64'"),
    "numeric-value-quoted": num("value: '64', tolerance: 0.1, en: '64', zh: '64'"),
    "numeric-value-from-no-dot": num("value_from: attention_scaling, tolerance: 0.1"),
    "numeric-params-without-compute": num("value: 64, tolerance: 0.05", params="d_k: [16, 64]"),
    "numeric-param-no-max": num("compute: qk_variance, tolerance: 0.05", params="d_k: {min: 1}"),
    "numeric-one-text-only": num("value: 64, tolerance: 0.05, en: '64'"),
    "cloze-zh-without-gap": q('    prompt: {en: "Divide by {{sqrt(d_k)}}", zh: "除以根号 d_k"}\n', "cloze"),
    "verifier-bad-name": q(FLASH + "    verifier: Attention-Scaling\n"),
    "renamed-from-number": q(FLASH + "    renamed_from: 3\n"),
    "explanation-text": q(FLASH + "    explanation: just text\n"),
    "tag-with-space": q(FLASH + "    tags: [scaling, soft max]\n"),
    "tag-uppercase": q(FLASH + "    tags: [Scaling]\n"),
    "prompt-with-escape-sequence": q('    prompt: {en: "Why \\e[2J?", zh: "为什么？"}\n'
                                     '    answer: {en: "A.", zh: "答。"}\n'),
    "answer-with-c1-control": q('    prompt: {en: "Why?", zh: "为什么？"}\n    answer: {en: "A\\u009b.", zh: "答。"}\n'),
    "source-with-bell": q(FLASH, sources='    sources: [{post: "P\\a", section: S}]\n'),
    "cloze-empty-gap": q('    prompt: {en: "Divide by {{sqrt(d_k)}} {{}}", zh: "除以 {{根号 d_k}}"}\n', "cloze"),
    "cloze-blank-alternatives": q('    prompt: {en: "Divide by {{ | }}", zh: "除以 {{根号 d_k}}"}\n', "cloze"),
    "cloze-nested-gap": q('    prompt: {en: "Divide by {{a {{b}} c}}", zh: "除以 {{根号 d_k}}"}\n', "cloze"),
    "cloze-stray-close": q('    prompt: {en: "Divide by {{a}} }}", zh: "除以 {{根号 d_k}}"}\n', "cloze"),
    "cloze-unclosed": q('    prompt: {en: "Divide by {{a}} {{b", zh: "除以 {{根号 d_k}}"}\n', "cloze"),
    "numeric-value-inf": num("value: .inf, tolerance: 0.05"),
    "numeric-value-huge-int": num("value: 1" + "0" * 400 + ", tolerance: 0.05"),
    "numeric-tolerance-inf": num("value: 64, tolerance: .inf"),
    "numeric-param-inf": num("compute: qk_variance, tolerance: 0.05", params="d_k: [16, -.inf]"),
    "numeric-param-max-inf": num("compute: qk_variance, tolerance: 0.05", params="d_k: {min: 1, max: .inf}"),
}

# Rules only the loader can check: the schema accepts these, the loader reports the code.
LOADER_ONLY = {
    "duplicate-id": ("Q001", q(FLASH) + "  - id: demo.one\n    type: errata\n    difficulty: 1\n"
                     + FLASH + SRC),
    "id-of-another-topic": ("Q020", q(FLASH, qid="other.one")),
    "unknown-verifier": ("Q010", q(FLASH + "    verifier: attention_scalin\n")),
    "value-from-unknown-check": ("Q011", num("value_from: attention_scaling.nope, tolerance: 0.1")),
    "compute-unregistered": ("Q012", num("compute: nope, tolerance: 0.1")),
    "answer-repeats-prompt": ("Q015", q('    prompt: {en: "Why?", zh: "为什么？"}\n'
                                        '    answer: {en: "why", zh: "因为"}\n')),  # fmt: skip
    "topic-not-file-name": ("Q021", EMPTY.replace("topic: demo", "topic: other")),
    "duplicate-key": ("Q023", q(FLASH + "    difficulty: 3\n")),
    "param-min-above-max": ("Q005", num("compute: qk_variance, tolerance: 0.05",
                                        params="d_k: {min: 9, max: 1}")),
    # NaN compares false with every bound, so no JSON Schema keyword can refuse it
    "value-nan": ("Q033", num("value: .nan, tolerance: 0.05")),
    "tolerance-nan": ("Q033", num("value: 64, tolerance: .nan")),
    "param-range-too-many-steps": ("Q033", num("compute: qk_variance, tolerance: 0.05",
                                               params="d_k: {min: -1.0e+308, max: 1.0e+308}")),
}


def schema_ok(text: str) -> bool:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return False
    return jsonschema.Draft202012Validator(SCHEMA).is_valid(data)


def loader_problems(text: str, tmp_path: Path) -> list:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = validate_files([path], VERIFIERS, EXPECTED, COMPUTE)
    return problems


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_enough_examples():
    assert len(VALID) >= 12 and len(INVALID) >= 12


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_examples(name, tmp_path):
    text = VALID[name]
    assert loader_problems(text, tmp_path) == [], "the loader should accept it"
    assert schema_ok(text), "the schema should accept it"


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_examples(name, tmp_path):
    text = INVALID[name]
    assert loader_problems(text, tmp_path), "the loader should reject it"
    assert not schema_ok(text), "the schema should reject it"


@pytest.mark.parametrize("name", sorted(LOADER_ONLY))
def test_rules_only_the_loader_checks(name, tmp_path):
    code, text = LOADER_ONLY[name]
    assert code in {p.code for p in loader_problems(text, tmp_path)}
    assert schema_ok(text), "the schema cannot see this rule; if it now can, move the case to INVALID"


def test_schema_accepts_every_shipped_bank_the_loader_accepts():
    """A bank the loader finds nothing wrong with (apart from rules the schema cannot see) must
    not get red squiggles in an editor."""
    from quiz import verify

    blind = {code for code, _ in LOADER_ONLY.values()}
    files = sorted((ROOT / "questions").glob("*.yaml")) + [ROOT / "tests" / "data" / "bank" / "basics.yaml"]
    checked = 0
    for path in files:
        if not path.is_file():
            continue
        _, problems = validate_files([path], set(verify.names()), verify.load_expected(), COMPUTE)
        if {p.code for p in problems} <= blind:
            checked += 1
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
                      for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)]  # fmt: skip
            assert not errors, f"{path.name}: the schema rejects what the loader accepts: {errors[:3]}"
    assert checked >= 1
