"""The loader (quiz/bank.py) pinned on small banks: every problem as the exact line a contributor reads.

Each case is one bank file `demo.yaml` written to a tmp dir (the working directory, so paths print relative).
A comment on line 1 moves the top-level mapping to line 2, so a position that falls back to 1:1 is told apart
from the mapping's own. The registries are small stand-ins: verifiers `attention_scaling` (two recorded checks),
`causal_rank` (one) and `fresh` (none); compute functions `ratio(a, b)` and `scaled(x, k=2)`.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from quiz import bank
from quiz.bank import Bank, Choice, Numeric, Param, Question, Text, _Validator
from quiz.bankfile import Map, Seq, parse_yaml
from quiz.problems import BankError, Problem


def ratio(a, b):
    return a / b


def scaled(x, k=2):
    return x * k


VERIFIERS = {"attention_scaling", "causal_rank", "fresh"}
EXPECTED = {"attention_scaling.var_unscaled_d64": 64.0, "attention_scaling.b.c": 1.5, "attention_scalingx.q": 2.0,
            "causal_rank.rank": 3.0, "causal_rank.nan": math.nan}  # fmt: skip
COMPUTE = {"ratio": ratio, "scaled": scaled}

HEAD = "# line 1: a comment: the top-level mapping starts on line 2\ntopic: demo\ntitle: {en: Demo, zh: 演示}\nquestions:\n"
TITLE_FIRST = HEAD.replace("topic: demo\ntitle: {en: Demo, zh: 演示}\n", "title: {en: Demo, zh: 演示}\ntopic: demo\n")
SRC = "    sources: [{paper: P, where: W}]\n"
FLASH = '    prompt: {en: "Why scale?", zh: "为什么缩放？"}\n    answer: {en: "Variance.", zh: "方差。"}\n'
NUM_PROMPT = "    prompt: {en: Var at 64?, zh: 方差？}\n"
MCQ = "    prompt: {en: Pick one, zh: 选一个}\n    answer: {en: Because., zh: 因为。}\n    choices:\n"
A = "      - {en: A thing, zh: 一, correct: true}\n"
B = "      - {en: B thing, zh: 二}\n"
C = "      - {en: C thing, zh: 三}\n"


def q(body: str = FLASH, qtype: str = "flashcard", qid: str = "demo.one", sources: str = SRC, diff: str = "2") -> str:
    """One question: `  - id:` on line 5 (the mapping and its keys at column 5), type 6, difficulty 7, then `body`."""
    return f"  - id: {qid}\n    type: {qtype}\n    difficulty: {diff}\n" + body + sources


def num(answer: str, params: str = "") -> str:
    """A numeric question; its answer (the inside of a flow mapping) on line 9, or 10 after `params` on 8."""
    return q((f"    params: {{{params}}}\n" if params else "") + NUM_PROMPT + f"    answer: {{{answer}}}\n", "numeric")


def type_first(text: str) -> str:
    """The questions of `text` with `type` before `id` (the id key one line below the mapping's start)."""
    return re.sub(r"  - (id: .*)\n    (type: .*)\n", r"  - \2\n    \1\n", text)


def cloze(en: str, zh: str = "除以 {{根号 d_k}}") -> str:
    return q(f"    prompt: {{en: {json.dumps(en)}, zh: {json.dumps(zh, ensure_ascii=False)}}}\n", "cloze")


# name -> (the whole file, the complete list of problems as printed)
CASES: dict[str, tuple[str, list[str]]] = {
    # --- the file
    "valid": (HEAD + q(), []),
    "empty-file": ("", ["demo.yaml:1:1: Q017 empty bank file: add topic, title and questions"]),
    "only-a-comment": ("# nothing yet\n", ["demo.yaml:1:1: Q017 empty bank file: add topic, title and questions"]),
    "top-level-list": ("# c\n\n- id: demo.one\n", [
        "demo.yaml:3:1: Q018 top level is a list; expected a mapping with topic, title, questions",
    ]),
    "top-level-text": ("just text\n", [
        "demo.yaml:1:1: Q018 top level is a single value; expected a mapping with topic, title, questions",
    ]),
    "yaml-syntax-error-stops-the-file": (HEAD + q().replace('"为什么缩放？"}', '"为什么缩放？"'), [
        "demo.yaml:9:5: Q002 YAML syntax error: while parsing a flow mapping did not find expected ',' or '}'",
    ]),
    "duplicate-key-does-not-stop-the-file": (HEAD + q().replace("    difficulty: 2\n", "") + "topic: demo\n", [
        "demo.yaml:10:1: Q023 duplicate key 'topic' (the later one would win)",
        "demo.yaml:5:5: Q004 demo.one: missing difficulty (1 easy, 2 medium, 3 hard)",
    ]),
    "unknown-top-level-key": (HEAD + q() + "author: me\n", [
        "demo.yaml:11:1: Q003 unknown top-level key 'author' (expected topic, title, questions)",
    ]),
    "description-is-allowed": (HEAD + q() + "description: anything\n", []),
    "topic-missing": (HEAD.replace("topic: demo\n", "") + q(), [
        "demo.yaml:1:1: Q004 topic: a lowercase name such as attention",
    ]),
    "topic-uppercase": (HEAD.replace("topic: demo", "topic: Demo") + q(), [
        "demo.yaml:2:1: Q005 topic: a lowercase name such as attention",
    ]),
    "topic-a-number": (HEAD.replace("topic: demo", "topic: 5") + q(qid="demo.one"), [
        "demo.yaml:2:1: Q005 topic: a lowercase name such as attention",
    ]),
    "topic-not-the-file-name": (HEAD.replace("topic: demo", "topic: other") + q(), [
        "demo.yaml:2:1: Q021 topic 'other' in a file named demo.yaml; they must match",
        "demo.yaml:5:5: Q020 id 'demo.one' must start with the topic: other.",
    ]),
    "topic-uppercase-below-the-title": (TITLE_FIRST.replace("topic: demo", "topic: Demo") + q(), [
        "demo.yaml:3:1: Q005 topic: a lowercase name such as attention",
    ]),
    "topic-not-the-file-name-below-the-title": (TITLE_FIRST.replace("topic: demo", "topic: other") + q(), [
        "demo.yaml:3:1: Q021 topic 'other' in a file named demo.yaml; they must match",
        "demo.yaml:5:5: Q020 id 'demo.one' must start with the topic: other.",
    ]),
    "title-missing": (HEAD.replace("title: {en: Demo, zh: 演示}\n", "") + q(), [
        "demo.yaml:2:1: Q004 topic demo: missing title (with en and zh)",
    ]),
    "title-is-text": (HEAD.replace("{en: Demo, zh: 演示}", "Demo") + q(), [
        "demo.yaml:3:1: Q005 topic demo: title must be a mapping with en and zh",
    ]),
    "title-without-zh": (HEAD.replace(", zh: 演示", "") + q(), ["demo.yaml:3:8: Q013 topic demo: title has no zh text"]),
    "questions-missing": (HEAD.replace("questions:\n", ""), ["demo.yaml:1:1: Q004 questions: a list of questions"]),
    "questions-not-a-list": (HEAD.replace("questions:\n", "questions: {a: 1}\n"), [
        "demo.yaml:4:1: Q005 questions: a list of questions",
    ]),
    "questions-empty": (HEAD.replace("questions:\n", "questions: []\n"), []),
    "a-question-that-is-text": (HEAD + "  - just text\n" + q(diff="4"), [
        "demo.yaml:5:5: Q005 each question must be a mapping (id: ..., type: ...)",
        "demo.yaml:8:5: Q024 demo.one: difficulty must be 1, 2 or 3, not 4",
    ]),
    # --- ids
    "no-id": (HEAD + q(FLASH.split("    answer")[0]).replace("  - id: demo.one\n    type", "  - type"), [
        "demo.yaml:5:5: Q004 question without an id",
        "demo.yaml:5:5: Q004 <no id>: missing answer (with en and zh)",
    ]),
    "two-without-id": (HEAD + 2 * q().replace("  - id: demo.one\n    type", "  - type"), [
        "demo.yaml:5:5: Q004 question without an id",
        "demo.yaml:10:5: Q004 question without an id",
    ]),
    "id-a-number": (HEAD + q(FLASH.split("    answer")[0], qid="5"), [
        "demo.yaml:5:5: Q020 bad id 5: use demo.<slug>, e.g. demo.why-scale",
        "demo.yaml:5:5: Q004 5: missing answer (with en and zh)",
    ]),
    "two-with-the-same-number-id": (HEAD + q(qid="5") + q(qid="5"), [
        "demo.yaml:5:5: Q020 bad id 5: use demo.<slug>, e.g. demo.why-scale",
        "demo.yaml:11:5: Q020 bad id 5: use demo.<slug>, e.g. demo.why-scale",
    ]),
    "bad-id": (HEAD + q(qid="demo.Why_Scale"), [
        "demo.yaml:5:5: Q020 bad id 'demo.Why_Scale': use demo.<slug>, e.g. demo.why-scale",
    ]),
    "the-same-bad-id-twice": (HEAD + q(qid="demo.Bad") + q(qid="demo.Bad"), [
        "demo.yaml:5:5: Q020 bad id 'demo.Bad': use demo.<slug>, e.g. demo.why-scale",
        "demo.yaml:11:5: Q020 bad id 'demo.Bad': use demo.<slug>, e.g. demo.why-scale",
        "demo.yaml:11:5: Q001 duplicate id 'demo.Bad' (also at demo.yaml:5)",
    ]),
    "id-of-another-topic": (HEAD + q(qid="norms.one"), [
        "demo.yaml:5:5: Q020 id 'norms.one' must start with the topic: demo.",
    ]),
    "id-without-the-dot": (HEAD + q(qid="demox.one"), [
        "demo.yaml:5:5: Q020 id 'demox.one' must start with the topic: demo.",
    ]),
    "bad-id-below-the-type": (type_first(HEAD + q(qid="demo.Why_Scale")), [
        "demo.yaml:6:5: Q020 bad id 'demo.Why_Scale': use demo.<slug>, e.g. demo.why-scale",
    ]),
    "id-of-another-topic-below-the-type": (type_first(HEAD + q(qid="norms.one")), [
        "demo.yaml:6:5: Q020 id 'norms.one' must start with the topic: demo.",
    ]),
    "duplicate-id-below-the-type": (type_first(HEAD + q() + q(qtype="errata")), [
        "demo.yaml:12:5: Q001 duplicate id 'demo.one' (also at demo.yaml:6)",
    ]),
    "duplicate-id": (HEAD + q(qid="demo.zero") + q() + q(qtype="errata"), [
        "demo.yaml:17:5: Q001 duplicate id 'demo.one' (also at demo.yaml:11)",
    ]),
    # --- type, keys, difficulty
    "type-missing": (HEAD + q(FLASH.split("    answer")[0]).replace("    type: flashcard\n", ""), [
        "demo.yaml:5:5: Q004 demo.one: missing type (flashcard | mcq | numeric | cloze | errata)",
    ]),
    "type-unknown": (HEAD + q(FLASH + "    params: {a: [1]}\n", qtype="quiz"), [
        "demo.yaml:6:5: Q024 demo.one: type 'quiz' is not one of flashcard, mcq, numeric, cloze, errata",
    ]),
    "type-unknown-without-an-answer": (HEAD + q(FLASH.split("    answer")[0], qtype="quiz"), [
        "demo.yaml:6:5: Q024 demo.one: type 'quiz' is not one of flashcard, mcq, numeric, cloze, errata",
    ]),
    "type-a-list": (HEAD + q(qtype="[mcq]"), [
        "demo.yaml:6:5: Q024 demo.one: type ['mcq'] is not one of flashcard, mcq, numeric, cloze, errata",
    ]),
    "unknown-key-with-a-hint": (HEAD + q(FLASH + "    tag: [x]\n"), [
        "demo.yaml:10:5: Q003 demo.one: unknown key 'tag' (did you mean 'tags'?)",
    ]),
    "unknown-key": (HEAD + q(FLASH + "    hint: think\n"), ["demo.yaml:10:5: Q003 demo.one: unknown key 'hint'"]),
    "unknown-key-not-text": (HEAD + q(FLASH + "    3: three\n"), ["demo.yaml:10:5: Q003 demo.one: unknown key 3"]),
    "choices-on-a-flashcard": (HEAD + q(FLASH + "    choices: [{en: a, zh: b}]\n"), [
        "demo.yaml:10:5: Q003 demo.one: 'choices' only belongs to mcq questions",
    ]),
    "params-on-an-errata": (HEAD + q(FLASH + "    params: {a: [1]}\n", qtype="errata"), [
        "demo.yaml:10:5: Q003 demo.one: 'params' only belongs to numeric questions",
    ]),
    "difficulty-missing": (HEAD + q().replace("    difficulty: 2\n", ""), [
        "demo.yaml:5:5: Q004 demo.one: missing difficulty (1 easy, 2 medium, 3 hard)",
    ]),
    "difficulty-text": (HEAD + q(diff="two"), ["demo.yaml:7:5: Q005 demo.one: difficulty must be 1, 2 or 3"]),
    "difficulty-true": (HEAD + q(diff="true"), ["demo.yaml:7:5: Q005 demo.one: difficulty must be 1, 2 or 3"]),
    "difficulty-1.5": (HEAD + q(diff="1.5"), ["demo.yaml:7:5: Q005 demo.one: difficulty must be 1, 2 or 3"]),
    "difficulty-5": (HEAD + q(diff="5"), ["demo.yaml:7:5: Q024 demo.one: difficulty must be 1, 2 or 3, not 5"]),
    "difficulty-0": (HEAD + q(diff="0"), ["demo.yaml:7:5: Q024 demo.one: difficulty must be 1, 2 or 3, not 0"]),
    "difficulties-1-and-3": (HEAD + q(diff="1") + q(qid="demo.two", diff="3"), []),
    # --- tags
    "tags-not-a-list": (HEAD + q(FLASH + "    tags: scaling\n"), [
        "demo.yaml:10:5: Q005 demo.one: tags must be a list of words",
    ]),
    "tags-with-a-number": (HEAD + q(FLASH + "    tags: [a, 5]\n"), [
        "demo.yaml:10:5: Q005 demo.one: tags must be a list of words",
    ]),
    "bad-tags": (HEAD + q(FLASH + "    tags: [scaling, Soft Max, '!!', ok-2, -x-, Upper]\n"), [
        "demo.yaml:10:21: Q037 demo.one: tag 'Soft Max' must be lowercase words joined by hyphens, without spaces (e.g. "
        "'soft-max')",
        "demo.yaml:10:31: Q037 demo.one: tag '!!' must be lowercase words joined by hyphens, without spaces",
        "demo.yaml:10:43: Q037 demo.one: tag '-x-' must be lowercase words joined by hyphens, without spaces (e.g. 'x')",
        "demo.yaml:10:48: Q037 demo.one: tag 'Upper' must be lowercase words joined by hyphens, without spaces (e.g. "
        "'upper')",
    ]),
    # --- texts
    "prompt-missing": (HEAD + q(FLASH.split("\n", 1)[1]), ["demo.yaml:5:5: Q004 demo.one: missing prompt (with en and zh)"]),
    "prompt-is-text": (HEAD + q('    prompt: "Why?"\n    answer: {en: A., zh: 答。}\n'), [
        "demo.yaml:8:5: Q005 demo.one: prompt must be a mapping with en and zh",
    ]),
    "prompt-null": (HEAD + q("    prompt:\n" + FLASH.split("\n", 1)[1]), [
        "demo.yaml:5:5: Q004 demo.one: missing prompt (with en and zh)",
    ]),
    "prompt-en-is-yes": (HEAD + q(FLASH.replace('en: "Why scale?"', "en: yes")), [
        "demo.yaml:8:14: Q005 demo.one: prompt.en must be text",
        "demo.yaml:8:13: Q013 demo.one: prompt has no en text",
    ]),
    "prompt-en-is-a-list": (HEAD + q(FLASH.replace('en: "Why scale?"', "en: [a]")), [
        "demo.yaml:8:14: Q005 demo.one: prompt.en must be text",
        "demo.yaml:8:13: Q013 demo.one: prompt has no en text",
    ]),
    "prompt-en-null": (HEAD + q(FLASH.replace('en: "Why scale?"', "en: null")), [
        "demo.yaml:8:13: Q013 demo.one: prompt has no en text",
    ]),
    "prompt-blank-zh": (HEAD + q(FLASH.replace('"为什么缩放？"', '"  "')), [
        "demo.yaml:8:13: Q013 demo.one: prompt has no zh text",
    ]),
    "prompt-unknown-key": (HEAD + q(FLASH.replace('zh: "为什么缩放？"', 'zh: "为什么缩放？", fr: Pourquoi')), [
        "demo.yaml:8:46: Q003 demo.one: unknown key 'fr' in prompt",
    ]),
    "answer-missing": (HEAD + q(FLASH.split("    answer")[0]), [
        "demo.yaml:5:5: Q004 demo.one: missing answer (with en and zh)",
    ]),
    "answer-missing-on-an-errata": (HEAD + q(FLASH.split("    answer")[0], qtype="errata"), [
        "demo.yaml:5:5: Q004 demo.one: missing answer (with en and zh)",
    ]),
    "answer-missing-on-an-mcq": (HEAD + q(MCQ.replace("    answer: {en: Because., zh: 因为。}\n", "") + A + B, "mcq"), [
        "demo.yaml:5:5: Q004 demo.one: missing answer (with en and zh)",
    ]),
    "answer-is-a-number": (HEAD + q(FLASH.replace('{en: "Variance.", zh: "方差。"}', "64")), [
        "demo.yaml:9:5: Q005 demo.one: answer must be a mapping with en and zh",
    ]),
    "answer-is-text": (HEAD + q(FLASH.replace('{en: "Variance.", zh: "方差。"}', "Why scale")), [
        "demo.yaml:9:5: Q005 demo.one: answer must be a mapping with en and zh",
        "demo.yaml:9:5: Q015 demo.one: the answer repeats the prompt",
    ]),
    "answer-unknown-key": (HEAD + q(FLASH.replace('zh: "方差。"', 'zh: "方差。", text: A')), [
        "demo.yaml:9:42: Q003 demo.one: unknown key 'text' in answer",
    ]),
    "answer-repeats-the-prompt": (HEAD + q(FLASH.replace('"Variance."', '"why, SCALE"')), [
        "demo.yaml:9:5: Q015 demo.one: the answer repeats the prompt",
    ]),
    "answer-repeats-the-prompt-in-en-only": (HEAD + q(FLASH.replace('"Variance.", zh: "方差。"', '"Why scale?", zh: ""')), [
        "demo.yaml:9:13: Q013 demo.one: answer has no zh text",
        "demo.yaml:9:5: Q015 demo.one: the answer repeats the prompt",
    ]),
    "answer-and-prompt-only-punctuation": (HEAD + q('    prompt: {en: "?", zh: 问}\n    answer: {en: "!", zh: 答}\n'), []),
    "explanation-is-text": (HEAD + q(FLASH + "    explanation: just text\n"), [
        "demo.yaml:10:5: Q005 demo.one: explanation must be a mapping with en and zh",
    ]),
    "explanation-without-zh": (HEAD + q(FLASH + "    explanation: {en: Because.}\n"), [
        "demo.yaml:10:18: Q013 demo.one: explanation has no zh text",
    ]),
    "choice-unknown-key": (HEAD + q(MCQ + A + B.replace("zh: 二}", "zh: 二, why: no}"), "mcq"), [
        "demo.yaml:12:30: Q003 demo.one: unknown key 'why' in choice",
    ]),
    # --- verifier, renamed_from
    "verifier-not-text": (HEAD + q(FLASH + "    verifier: [attention_scaling]\n"), [
        "demo.yaml:10:5: Q005 demo.one: verifier must be a name",
    ]),
    "verifier-unknown-with-a-hint": (HEAD + q(FLASH + "    verifier: attention_scalin\n"), [
        "demo.yaml:10:5: Q010 demo.one: unknown verifier 'attention_scalin' (did you mean 'attention_scaling'?)",
    ]),
    "verifier-unknown": (HEAD + q(FLASH + "    verifier: zzz\n"), [
        "demo.yaml:10:5: Q010 demo.one: unknown verifier 'zzz' (see `quiz verify --list`)",
    ]),
    "renamed-from-a-number": (HEAD + q(FLASH + "    renamed_from: 3\n"), [
        "demo.yaml:10:5: Q005 demo.one: renamed_from must be an id or a list of ids",
    ]),
    "renamed-from-a-list-with-a-number": (HEAD + q(FLASH + "    renamed_from: [demo.a, 3]\n"), [
        "demo.yaml:10:5: Q005 demo.one: renamed_from must be an id or a list of ids",
    ]),
    "renamed-from-a-mapping": (HEAD + q(FLASH + "    renamed_from: {a: b}\n"), [
        "demo.yaml:10:5: Q005 demo.one: renamed_from must be an id or a list of ids",
    ]),
    # --- sources
    "sources-missing": (HEAD + q(sources=""), ["demo.yaml:5:5: Q014 demo.one: no sources (a post and section, or a paper)"]),
    "sources-empty": (HEAD + q(sources="    sources: []\n"), [
        "demo.yaml:10:5: Q014 demo.one: no sources (a post and section, or a paper)",
    ]),
    "sources-null": (HEAD + q(sources="    sources:\n"), [
        "demo.yaml:10:5: Q014 demo.one: no sources (a post and section, or a paper)",
    ]),
    "sources-text": (HEAD + q(sources="    sources: P\n"), ["demo.yaml:10:5: Q005 demo.one: sources must be a list"]),
    "source-of-two-kinds": (HEAD + q(sources="    sources: [{post: P, paper: Q}]\n"), [
        "demo.yaml:10:15: Q005 demo.one: a source is one of {post, section}, {paper, where}, {url, title}",
    ]),
    "source-of-no-kind": (HEAD + q(sources="    sources:\n      - {where: W}\n"), [
        "demo.yaml:11:9: Q005 demo.one: a source is one of {post, section}, {paper, where}, {url, title}",
    ]),
    "source-is-text": (HEAD + q(sources="    sources: [{paper: P, where: W}, P]\n"), [
        "demo.yaml:10:37: Q005 demo.one: a source is one of {post, section}, {paper, where}, {url, title}",
    ]),
    "source-wrong-companion": (HEAD + q(sources="    sources: [{post: P, where: W, x: 1}]\n"), [
        "demo.yaml:10:25: Q003 demo.one: unknown key 'where' in a post source",
        "demo.yaml:10:35: Q003 demo.one: unknown key 'x' in a post source",
    ]),
    "source-field-a-list": (HEAD + q(sources="    sources: [{post: P, section: [a]}]\n"), [
        "demo.yaml:10:15: Q005 demo.one: source fields must be text",
    ]),
    # --- mcq
    "mcq": (HEAD + q(MCQ + A + B + C, "mcq"), []),
    "mcq-two-choices": (HEAD + q(MCQ + A + B, "mcq"), []),
    "mcq-six-choices": (HEAD + q(MCQ + A + B + C + B + C + B, "mcq"), []),
    "mcq-seven-choices": (HEAD + q(MCQ + A + B + C + B + C + B + C, "mcq"), [
        "demo.yaml:10:5: Q024 demo.one: 7 choices; use at most 6",
    ]),
    "mcq-without-choices": (HEAD + q(MCQ.replace("    choices:\n", ""), "mcq"), [
        "demo.yaml:5:5: Q004 demo.one: mcq needs a list of 2 to 6 choices",
    ]),
    "mcq-choices-null": (HEAD + q(MCQ, "mcq"), ["demo.yaml:5:5: Q004 demo.one: mcq needs a list of 2 to 6 choices"]),
    "mcq-choices-text": (HEAD + q(MCQ.replace("choices:\n", "choices: A\n"), "mcq"), [
        "demo.yaml:10:5: Q005 demo.one: mcq needs a list of 2 to 6 choices",
    ]),
    "mcq-one-choice": (HEAD + q(MCQ + A, "mcq"), ["demo.yaml:10:5: Q005 demo.one: mcq needs a list of 2 to 6 choices"]),
    "mcq-a-choice-that-is-text": (HEAD + q(MCQ + "      - A thing\n" + A + B, "mcq"), [
        "demo.yaml:11:9: Q005 demo.one: a choice is a mapping with en, zh (and correct: true)",
    ]),
    "mcq-correct-is-text": (HEAD + q(MCQ + A.replace("true", "yes please") + B, "mcq"), [
        "demo.yaml:11:30: Q005 demo.one: correct must be true or false",
        "demo.yaml:10:5: Q006 demo.one: 0 choices marked correct: true; mark exactly one",
    ]),
    "mcq-none-correct": (HEAD + q(MCQ + B + C, "mcq"), [
        "demo.yaml:10:5: Q006 demo.one: 0 choices marked correct: true; mark exactly one",
    ]),
    "mcq-two-correct": (HEAD + q(MCQ + A + A.replace("A thing", "Z thing") + B, "mcq"), [
        "demo.yaml:10:5: Q006 demo.one: 2 choices marked correct: true; mark exactly one",
    ]),
    "mcq-choice-without-zh": (HEAD + q(MCQ + A + B.replace(", zh: 二", ""), "mcq"), [
        "demo.yaml:12:9: Q013 demo.one: choice has no zh text",
    ]),
    "mcq-choice-text-null": (HEAD + q(MCQ + A + B.replace("zh: 二", "zh: null"), "mcq"), [
        "demo.yaml:12:9: Q013 demo.one: choice has no zh text",
    ]),
    # --- numeric: value, tolerance, unit
    "numeric": (HEAD + num("value: 64, tolerance: 0.05, unit: GB, en: '64', zh: '64'"), []),
    "numeric-just-a-number": (HEAD + num("value: 64, tolerance: 0.05"), []),
    "numeric-without-an-answer": (HEAD + q(NUM_PROMPT, "numeric"), [
        "demo.yaml:5:5: Q004 demo.one: numeric question needs answer with value and tolerance",
    ]),
    "numeric-answer-is-text": (HEAD + num("").replace("answer: {}", "answer: sixty-four"), [
        "demo.yaml:9:5: Q005 demo.one: answer must be a mapping with en and zh",
    ]),
    "numeric-number-and-en-only": (HEAD + num("value: 64, tolerance: 0.05, en: '64'"), [
        "demo.yaml:9:13: Q013 demo.one: answer has no zh text",
    ]),
    "numeric-text-without-a-tolerance": (HEAD + num("value: 64"), [
        "demo.yaml:9:13: Q013 demo.one: answer has no en text",
        "demo.yaml:9:13: Q013 demo.one: answer has no zh text",
        "demo.yaml:9:5: Q008 demo.one: numeric answer needs tolerance > 0 (relative: 0.05 = within 5%)",
    ]),
    "numeric-value-and-value-from": (HEAD + num("value: 64, value_from: causal_rank.rank, tolerance: 0.1"), [
        "demo.yaml:9:5: Q007 demo.one: numeric answer needs exactly one of value, value_from, compute (has value, "
        "value_from)",
    ]),
    "numeric-all-three": (HEAD + num("value: 64, value_from: causal_rank.rank, compute: scaled, tolerance: 0.1",
                                     "x: [1]"), [
        "demo.yaml:10:5: Q007 demo.one: numeric answer needs exactly one of value, value_from, compute (has value, "
        "value_from, compute)",
    ]),
    "numeric-none-of-the-three": (HEAD + num("tolerance: 0.1"), [
        "demo.yaml:9:5: Q007 demo.one: numeric answer needs exactly one of value, value_from, compute",
    ]),
    "numeric-value-null-is-absent": (HEAD + num("value: null, value_from: causal_rank.rank, tolerance: 0.1"), []),
    "numeric-tolerance-missing": (HEAD + num("value: 64, en: '64', zh: '64'"), [
        "demo.yaml:9:5: Q008 demo.one: numeric answer needs tolerance > 0 (relative: 0.05 = within 5%)",
    ]),
    "numeric-tolerance-zero": (HEAD + num("value: 64, tolerance: 0"), [
        "demo.yaml:9:25: Q008 demo.one: numeric answer needs tolerance > 0 (relative: 0.05 = within 5%)",
    ]),
    "numeric-tolerance-negative": (HEAD + num("value: 64, tolerance: -0.1"), [
        "demo.yaml:9:25: Q008 demo.one: numeric answer needs tolerance > 0 (relative: 0.05 = within 5%)",
    ]),
    "numeric-tolerance-text": (HEAD + num("value: 64, tolerance: 5%"), [
        "demo.yaml:9:25: Q008 demo.one: numeric answer needs tolerance > 0 (relative: 0.05 = within 5%)",
    ]),
    "numeric-tolerance-true": (HEAD + num("value: 64, tolerance: true"), [
        "demo.yaml:9:25: Q008 demo.one: numeric answer needs tolerance > 0 (relative: 0.05 = within 5%)",
    ]),
    "numeric-tolerance-nan": (HEAD + num("value: 64, tolerance: .nan"), [
        "demo.yaml:9:25: Q033 demo.one: tolerance nan is not a finite number",
    ]),
    "numeric-tolerance-huge-integer": (HEAD + num("value: 64, tolerance: 1" + "0" * 400), [
        "demo.yaml:9:25: Q033 demo.one: tolerance an integer of about 401 digits is not a finite number",
    ]),
    "numeric-unit-a-number": (HEAD + num("value: 64, tolerance: 0.1, unit: 5"), [
        "demo.yaml:9:41: Q005 demo.one: unit must be text",
    ]),
    "numeric-value-quoted": (HEAD + num("value: '64', tolerance: 0.1"), [
        "demo.yaml:9:14: Q005 demo.one: value must be a number (no quotes, no units)",
    ]),
    "numeric-value-true": (HEAD + num("value: true, tolerance: 0.1"), [
        "demo.yaml:9:14: Q005 demo.one: value must be a number (no quotes, no units)",
    ]),
    "numeric-value-inf": (HEAD + num("value: -.inf, tolerance: 0.1"), [
        "demo.yaml:9:14: Q033 demo.one: value -inf is not a finite number (NaN, infinity, or an integer too large for a "
        "float)",
    ]),
    "numeric-value-huge-integer": (HEAD + num("value: -1" + "0" * 400 + ", tolerance: 0.1"), [
        "demo.yaml:9:14: Q033 demo.one: value an integer of about 401 digits is not a finite number (NaN, infinity, or an "
        "integer too large for a float)",
    ]),
    # --- value_from
    "value-from": (HEAD + num("value_from: attention_scaling.var_unscaled_d64, tolerance: 0.1"), []),
    "value-from-without-a-dot": (HEAD + num("value_from: attention_scaling, tolerance: 0.1"), [
        "demo.yaml:9:14: Q011 demo.one: value_from 'attention_scaling' must be <verifier>.<check>",
    ]),
    "value-from-a-number": (HEAD + num("value_from: 1.50, tolerance: 0.1"), [
        "demo.yaml:9:14: Q011 demo.one: value_from '1.50' must be <verifier>.<check>",
    ]),
    "value-from-a-list": (HEAD + num("value_from: [a.b], tolerance: 0.1"), [
        "demo.yaml:9:14: Q011 demo.one: value_from ['a.b'] must be <verifier>.<check>",
    ]),
    "value-from-unknown-verifier": (HEAD + num("value_from: Attention_Scaling.var, tolerance: 0.1"), [
        "demo.yaml:9:14: Q010 demo.one: value_from 'Attention_Scaling.var' names unknown verifier 'Attention_Scaling'",
    ]),
    "value-from-unknown-check": (HEAD + num("value_from: attention_scaling.var.extra, tolerance: 0.1"), [
        "demo.yaml:9:14: Q011 demo.one: no check 'attention_scaling.var.extra' in verifiers/expected.json; "
        "attention_scaling has: b.c, var_unscaled_d64",
    ]),
    "value-from-a-verifier-without-checks": (HEAD + num("value_from: fresh.x, tolerance: 0.1"), [
        "demo.yaml:9:14: Q011 demo.one: no check 'fresh.x' in verifiers/expected.json; run `quiz verify --update`",
    ]),
    "value-from-a-nan-check": (HEAD + num("value_from: causal_rank.nan, tolerance: 0.1"), [
        "demo.yaml:9:14: Q033 demo.one: verifiers/expected.json holds nan for 'causal_rank.nan', not a finite number; run "
        "`quiz verify --update`",
    ]),
    # --- compute and params
    "compute": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1, 2], b: {min: 1, max: 9, step: 2}"), []),
    "compute-with-a-default": (HEAD + num("compute: scaled, tolerance: 0.01", "x: [1]"), []),
    "compute-the-default-drawn": (HEAD + num("compute: scaled, tolerance: 0.01", "x: [1], k: [3]"), []),
    "compute-unregistered": (HEAD + num("compute: nope, tolerance: 0.01", "a: [1]"), [
        "demo.yaml:10:14: Q012 demo.one: compute 'nope' is not registered in quiz/params.py",
    ]),
    "compute-not-text": (HEAD + num("compute: [ratio], tolerance: 0.01"), [
        "demo.yaml:9:14: Q012 demo.one: compute ['ratio'] is not registered in quiz/params.py",
    ]),
    "compute-without-params": (HEAD + num("compute: ratio, tolerance: 0.01"), [
        "demo.yaml:9:14: Q012 demo.one: ratio() needs params a, b",
    ]),
    "compute-missing-and-extra-params": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], c: [2], d: [3]"), [
        "demo.yaml:10:14: Q012 demo.one: ratio() needs params b; takes no c, d",
    ]),
    "compute-a-refused-param-is-not-missing": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: [.nan]"), [
        "demo.yaml:8:22: Q033 demo.one: param 'b' holds nan, not a finite number",
    ]),
    "compute-a-refused-param-is-extra": (HEAD + num("compute: scaled, tolerance: 0.01", "x: [1], y: text"), [
        "demo.yaml:8:22: Q005 demo.one: param 'y' must be a list of numbers or {min, max, step}",
        "demo.yaml:10:14: Q012 demo.one: scaled() takes no y",
    ]),
    "params-without-compute": (HEAD + num("value: 3, tolerance: 0.01", "a: [1]"), [
        "demo.yaml:8:5: Q012 demo.one: params need answer.compute (a function in quiz/params.py)",
    ]),
    "params-a-list": (HEAD + num("compute: ratio, tolerance: 0.01").replace("    prompt", "    params: [1]\n    prompt"), [
        "demo.yaml:8:5: Q005 demo.one: params must map names to a list or {min, max}",
        "demo.yaml:10:14: Q012 demo.one: ratio() needs params a, b",
    ]),
    "params-empty": (HEAD + num("compute: ratio, tolerance: 0.01").replace("    prompt", "    params: {}\n    prompt"), [
        "demo.yaml:8:5: Q005 demo.one: params must map names to a list or {min, max}",
        "demo.yaml:10:14: Q012 demo.one: ratio() needs params a, b",
    ]),
    "params-null": (HEAD + num("compute: ratio, tolerance: 0.01").replace("    prompt", "    params:\n    prompt"), [
        "demo.yaml:10:14: Q012 demo.one: ratio() needs params a, b",
    ]),
    "param-range-min-above-max": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 9, max: 1}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-min-equals-max": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 2, max: 2}"), []),
    "param-range-step-zero": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 1, max: 2, step: 0}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-step-negative": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 1, max: 2, step: -1}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-step-text": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 1, max: 2, step: x}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-without-max": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 1}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-without-min": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {max: 1}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-unknown-key": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 1, max: 2, x: 1}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-text-min": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: x, max: 1.0e+300}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-range-text-bound": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 1, max: two}"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-list-empty": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: []"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-list-with-text": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: [1, x]"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-a-number": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: 3"), [
        "demo.yaml:8:22: Q005 demo.one: param 'b' must be a list of numbers or {min, max, step}",
    ]),
    "param-list-nan": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: [16, .nan]"), [
        "demo.yaml:8:22: Q033 demo.one: param 'b' holds nan, not a finite number",
    ]),
    "param-range-inf": (HEAD + num("compute: ratio, tolerance: 0.01", "a: [1], b: {min: 1, max: .inf}"), [
        "demo.yaml:8:22: Q033 demo.one: param 'b' holds inf, not a finite number",
    ]),
    "param-range-huge-integer": (HEAD + num("compute: ratio, tolerance: 0.01",
                                            f"a: [1], b: {{min: 1, max: 1{'0' * 400}}}"), [
        "demo.yaml:8:22: Q033 demo.one: param 'b' holds an integer of about 401 digits, not a finite number",
    ]),
    "param-range-too-many-float-steps": (HEAD + num("compute: ratio, tolerance: 0.01",
                                                    "a: [1], b: {min: -1.0e+308, max: 1.0e+308}"), [
        "demo.yaml:8:22: Q033 demo.one: param 'b' spans too many steps to draw from",
    ]),
    "param-range-too-many-integer-steps": (HEAD + num("compute: ratio, tolerance: 0.01",
                                                      f"a: [1], b: {{min: -1{'0' * 308}, max: 1{'0' * 308}}}"), [
        "demo.yaml:8:22: Q033 demo.one: param 'b' spans too many steps to draw from",
    ]),
    "param-range-too-many-small-steps": (HEAD + num("compute: ratio, tolerance: 0.01",
                                                    "a: [1], b: {min: 0, max: 1.0e+300, step: 1.0e-10}"), [
        "demo.yaml:8:22: Q033 demo.one: param 'b' spans too many steps to draw from",
    ]),
    "param-range-many-steps-but-finite": (HEAD + num("compute: ratio, tolerance: 0.01",
                                                     "a: [1], b: {min: 0, max: 1.0e+300, step: 1.0e+10}"), []),
    # --- cloze
    "cloze": (HEAD + cloze("Divide by {{sqrt(d_k)|√d_k}}"), []),
    "cloze-en-without-a-gap": (HEAD + cloze("Divide by sqrt(d_k)"), [
        "demo.yaml:8:5: Q009 demo.one: cloze prompt (en) has no {{gap}}",
    ]),
    "cloze-zh-without-a-gap": (HEAD + cloze("Divide by {{sqrt(d_k)}}", "除以根号 d_k"), [
        "demo.yaml:8:5: Q009 demo.one: cloze prompt (zh) has no {{gap}}",
    ]),
    "cloze-en-without-a-gap-and-no-zh": (HEAD + cloze("Divide by sqrt(d_k)", ""), [
        "demo.yaml:8:13: Q013 demo.one: prompt has no zh text",
        "demo.yaml:8:5: Q009 demo.one: cloze prompt (en) has no {{gap}}",
    ]),
    "cloze-en-gap-empty": (HEAD + cloze("Divide by {{sqrt(d_k)|}}"), [
        "demo.yaml:8:14: Q036 demo.one: cloze prompt (en): gap '{{sqrt(d_k)|}}' has an empty answer; write what the "
        "learner must type",
    ]),
    "cloze-zh-gap-nested": (HEAD + cloze("Divide by {{sqrt(d_k)}}", "除以 {{根号 {{d_k}}}}"), [
        "demo.yaml:8:45: Q036 demo.one: cloze prompt (zh): a gap inside a gap at '{{根号 {{d_k}}}}'; gaps cannot be nested",
    ]),
    "cloze-prompt-is-text": (HEAD + q('    prompt: "Divide {{a}} }}"\n', "cloze"), [
        "demo.yaml:8:5: Q005 demo.one: prompt must be a mapping with en and zh",
        "demo.yaml:8:5: Q036 demo.one: cloze prompt (en): '}}' without an opening '{{' in 'Divide {{a}} }}'",
    ]),
    "cloze-with-an-answer": (HEAD + cloze("Divide by {{sqrt(d_k)}}").replace(SRC, "    answer: {en: a, zh: b}\n" + SRC),
                             []),
}


def validate(tmp_path: Path, monkeypatch, text: str, name: str = "demo.yaml") -> tuple[Bank, list[str]]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    b, problems = bank.validate_files([Path(name)], VERIFIERS, EXPECTED, COMPUTE)
    return b, [str(p) for p in problems]


@pytest.mark.parametrize("name", list(CASES))
def test_problems_of_a_bank(name, tmp_path, monkeypatch):
    text, expected = CASES[name]
    assert validate(tmp_path, monkeypatch, text)[1] == expected


def test_every_case_is_a_different_bank():
    texts = [text for text, _ in CASES.values()]
    assert len(set(texts)) == len(texts)


def one(tmp_path: Path, monkeypatch, text: str) -> Question:
    b, _ = validate(tmp_path, monkeypatch, text)
    [question] = b.questions
    return question


# --- what the loader builds -------------------------------------------------------------------------------------


def test_a_flashcard_with_every_field(tmp_path, monkeypatch):
    text = HEAD + q('    prompt: {en: "  Why scale?  ", zh: "为什么\n      缩放"}\n'
                    '    answer: {en: 64, zh: 0.5}\n'
                    "    explanation: {en: Sums of d_k terms., zh: 和。}\n"
                    "    tags: [scaling, soft-max]\n    verifier: attention_scaling\n    renamed_from: demo.old\n",
                    sources="    sources: [{paper: P, where: 3}, {url: 'https://x', title: T}]\n", diff="3")
    assert validate(tmp_path, monkeypatch, text)[1] == []
    assert one(tmp_path, monkeypatch, text) == Question(
        id="demo.one", topic="demo", type="flashcard", difficulty=3, prompt=Text("Why scale?", "为什么缩放"),
        answer=Text("64", "0.5"), explanation=Text("Sums of d_k terms.", "和。"), tags=("scaling", "soft-max"),
        verifier="attention_scaling", sources=({"paper": "P", "where": "3"}, {"url": "https://x", "title": "T"}),
        renamed_from=("demo.old",), path="demo.yaml", line=5)  # fmt: skip


def test_a_folded_line_loses_its_space_between_chinese_characters_only(tmp_path, monkeypatch):
    text = HEAD + q('    prompt: {en: "中 文", zh: "中 文 a 中\t\t文 b"}\n    answer: {en: A, zh: 答}\n')
    assert one(tmp_path, monkeypatch, text).prompt == Text("中 文", "中文 a 中文 b")


def test_what_is_kept_of_a_question_with_problems(tmp_path, monkeypatch):
    text = HEAD + q('    prompt: "Why scale"\n    answer: Why scale\n    tags: [ok, Not OK, fine-2]\n'
                    "    renamed_from: [demo.a, demo.b]\n    verifier: 5\n",
                    sources="    sources: [3, {post: P, section: [a]}, {post: P, where: W}, 3]\n", diff="two")
    question = one(tmp_path, monkeypatch, text)
    assert (question.prompt, question.answer, question.tags, question.difficulty) == \
        (Text("Why scale", ""), Text("Why scale", ""), ("ok", "fine-2"), 2)  # fmt: skip
    assert (question.renamed_from, question.verifier, question.sources) == \
        (("demo.a", "demo.b"), None, ({"post": "P", "where": "W"},))  # fmt: skip


@pytest.mark.parametrize("name, difficulty", [("difficulty-missing", 2), ("difficulty-true", 2), ("difficulty-5", 5)])
def test_the_difficulty_kept(name, difficulty, tmp_path, monkeypatch):
    assert one(tmp_path, monkeypatch, CASES[name][0]).difficulty == difficulty


def test_a_question_without_a_type_or_prompt_is_kept_as_a_flashcard(tmp_path, monkeypatch):
    text = HEAD + q("").replace("    type: flashcard\n", "")
    question = one(tmp_path, monkeypatch, text)
    assert (question.type, question.prompt, question.answer) == ("flashcard", Text("", ""), None)
    question = one(tmp_path, monkeypatch, CASES["type-unknown"][0])
    assert (question.type, question.params) == ("flashcard", ())


def test_an_mcq(tmp_path, monkeypatch):
    text = HEAD + q(MCQ + "      - oops\n" + A + B.replace("}", ", correct: false}") + C.replace("}", ", correct: 1}"),
                    "mcq")
    question = one(tmp_path, monkeypatch, text)
    assert question.choices == (Choice(Text("A thing", "一"), True), Choice(Text("B thing", "二"), False),
                                Choice(Text("C thing", "三"), False))  # fmt: skip
    assert question.answer == Text("Because.", "因为。") and question.numeric is None


def test_numeric_answers(tmp_path, monkeypatch):
    question = one(tmp_path, monkeypatch, HEAD + num("value: 64, tolerance: 1, unit: GB"))
    assert question.numeric == Numeric(64.0, None, None, 1.0, "GB") and question.answer == Text("", "")
    assert isinstance(question.numeric.value, float) and isinstance(question.numeric.tolerance, float)
    question = one(tmp_path, monkeypatch, HEAD + num("value: 64, value_from: attention_scaling.var_unscaled_d64"))
    assert question.numeric == Numeric(64.0, "attention_scaling.var_unscaled_d64", None, 0.01, "")
    question = one(tmp_path, monkeypatch, HEAD + num("value: 7, value_from: causal_rank.rank, tolerance: .nan, unit: 5"))
    assert question.numeric == Numeric(3.0, "causal_rank.rank", None, 0.01, "")  # value_from wins
    question = one(tmp_path, monkeypatch, HEAD + num("value: '64', compute: [ratio], tolerance: -1"))
    assert question.numeric == Numeric(None, None, None, 0.01, "")
    question = one(tmp_path, monkeypatch, HEAD + num("value: .nan, value_from: causal_rank.nope, tolerance: 0.5"))
    assert question.numeric == Numeric(None, "causal_rank.nope", None, 0.5, "")
    question = one(tmp_path, monkeypatch, CASES["numeric-answer-is-text"][0])
    assert question.numeric is None and question.answer == Text("sixty-four", "")


def test_parametric_answers(tmp_path, monkeypatch):
    text = HEAD + num("compute: ratio, tolerance: 0.01", "a: [1, 2.5], b: {min: 1, max: 9, step: 2}, c: {min: 0, max: 1}")
    question = one(tmp_path, monkeypatch, text)
    assert question.params == (Param("a", (1, 2.5)), Param("b", (), 1, 9, 2), Param("c", (), 0, 1, 1))
    assert question.numeric == Numeric(None, None, "ratio", 0.01, "") and question.parametric
    question = one(tmp_path, monkeypatch, CASES["param-list-nan"][0])
    assert question.params == (Param("a", (1,)),)
    text = HEAD + num("compute: ratio, tolerance: 0.01",
                      "x: [.nan], y: {min: -1.0e+308, max: 1.0e+308}, z: 3, a: [1], b: [2]")
    assert one(tmp_path, monkeypatch, text).params == (Param("a", (1,)), Param("b", (2,)))


def test_titles_come_from_the_first_file_of_a_topic_that_has_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for d, title in (("a", None), ("b", "{en: Second, zh: 二}"), ("c", "{en: Third, zh: 三}")):
        (tmp_path / d).mkdir()
        head = HEAD if title is None else HEAD.replace("{en: Demo, zh: 演示}", title)
        head = head.replace("title: {en: Demo, zh: 演示}\n", "") if title is None else head
        (tmp_path / d / "demo.yaml").write_text(head + q(qid=f"demo.{d}"), encoding="utf-8")
    files = [Path(d) / "demo.yaml" for d in "abc"]
    b, problems = bank.validate_files(files, VERIFIERS, EXPECTED, COMPUTE)
    assert [str(p) for p in problems] == ["a/demo.yaml:2:1: Q004 topic demo: missing title (with en and zh)"]
    assert b.titles == {"demo": Text("Second", "二")} and [x.id for x in b.questions] == ["demo.a", "demo.b", "demo.c"]
    assert [(x.path, x.line) for x in b.questions] == [("a/demo.yaml", 4), ("b/demo.yaml", 5), ("c/demo.yaml", 5)]


def test_duplicate_ids_across_files_and_a_topic_from_the_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo.yaml").write_text(HEAD + q(), encoding="utf-8")
    (tmp_path / "x.yaml").write_text(HEAD.replace("topic: demo\n", "") + q(qid="x.one") + q(), encoding="utf-8")
    (tmp_path / "y.yaml").write_bytes(b"\xff")
    (tmp_path / "z.yaml").write_text("[", encoding="utf-8")
    files = [Path(n) for n in ("demo.yaml", "y.yaml", "z.yaml", "x.yaml")]
    b, problems = bank.validate_files(files, VERIFIERS, EXPECTED, COMPUTE)
    assert [str(p) for p in problems] == [
        "y.yaml:1:1: Q028 not valid UTF-8 (byte 0xff); save the file as UTF-8",
        "z.yaml:2:1: Q002 YAML syntax error: while parsing a flow node did not find expected node content",
        "x.yaml:1:1: Q004 topic: a lowercase name such as attention",
        "x.yaml:10:5: Q020 id 'demo.one' must start with the topic: x.",
        "x.yaml:10:5: Q001 duplicate id 'demo.one' (also at demo.yaml:5)",
    ]
    assert [(x.id, x.topic) for x in b.questions] == [("demo.one", "demo"), ("x.one", "x"), ("demo.one", "x")]
    assert b.titles == {"demo": Text("Demo", "演示"), "x": Text("Demo", "演示")}


# --- the data classes -------------------------------------------------------------------------------------------


def test_text():
    assert (Text("a", "b").get("zh"), Text("a", "b").get("en"), Text("a", "").get("zh"), Text("a", "b").get("fr")) == \
        ("b", "a", "a", "a")  # fmt: skip
    assert Text("a", "b").to_dict() == {"en": "a", "zh": "b"}


def test_gaps_and_the_cloze_answer(tmp_path, monkeypatch):
    text = HEAD + cloze("Divide by {{ sqrt(d_k) | √d_k }} then {{softmax}}", "除以 {{根号 d_k|√d_k}}")
    question = one(tmp_path, monkeypatch, text)
    assert question.gaps("en") == [["sqrt(d_k)", "√d_k"], ["softmax"]]
    assert question.gaps("zh") == [["根号 d_k", "√d_k"]]
    assert question.cloze_answer() == Text("Divide by sqrt(d_k) then softmax", "除以 根号 d_k")


@pytest.mark.parametrize("verifier, value_from, proof", [
    (None, None, (None, None)),
    ("attention_scaling", None, ("attention_scaling", None)),
    (None, "causal_rank.rank.sub", ("causal_rank", "rank.sub")),
    ("causal_rank", "causal_rank.rank", ("causal_rank", "rank")),
    ("attention_scaling", "causal_rank.rank", ("attention_scaling", None)),
    ("causal", "causal_rank.rank", ("causal", None)),
])  # fmt: skip
def test_the_proof_of_a_card(verifier, value_from, proof):
    numeric = Numeric(3.0, value_from, None, 0.1, "") if value_from else None
    question = Question("demo.one", "demo", "numeric", 2, Text("p", "p"), None, numeric=numeric, verifier=verifier)
    assert question.proof() == proof
    assert Question("demo.one", "demo", "numeric", 2, Text("p", "p"), None,
                    numeric=Numeric(3.0, None, None, 0.1, ""), verifier=verifier).proof() == (verifier, None)  # fmt: skip


def test_to_dict_of_each_kind(tmp_path, monkeypatch):
    flash = one(tmp_path, monkeypatch, HEAD + q(FLASH + "    tags: [a]\n    verifier: causal_rank\n"
                                                "    explanation: {en: E, zh: 解}\n"))
    assert flash.to_dict() == {
        "id": "demo.one", "topic": "demo", "type": "flashcard", "difficulty": 2, "tags": ["a"], "verifier": "causal_rank",
        "sources": [{"paper": "P", "where": "W"}], "prompt": {"en": "Why scale?", "zh": "为什么缩放？"},
        "answer": {"en": "Variance.", "zh": "方差。"}, "explanation": {"en": "E", "zh": "解"}, "file": "demo.yaml",
        "line": 5,
    }  # fmt: skip
    base = {k: v for k, v in flash.to_dict().items() if k not in ("tags", "verifier", "explanation", "answer")}
    mcq = one(tmp_path, monkeypatch, CASES["mcq-two-choices"][0]).to_dict()
    assert mcq == {**base, "type": "mcq", "tags": [], "verifier": None, "explanation": None,
                   "prompt": {"en": "Pick one", "zh": "选一个"}, "answer": {"en": "Because.", "zh": "因为。"},
                   "choices": [{"en": "A thing", "zh": "一", "correct": True},
                               {"en": "B thing", "zh": "二", "correct": False}]}  # fmt: skip
    cl = one(tmp_path, monkeypatch, HEAD + cloze("Divide by {{sqrt(d_k)|x}}")).to_dict()
    assert (cl["type"], cl["answer"]) == ("cloze", {"en": "Divide by sqrt(d_k)", "zh": "除以 根号 d_k"})
    assert "choices" not in cl and "numeric" not in cl and "params" not in cl
    nd = one(tmp_path, monkeypatch, HEAD + num("compute: ratio, tolerance: 0.5, unit: s", "a: [1, 2], b: {min: 1, max: 3}")
             ).to_dict()  # fmt: skip
    assert nd["numeric"] == {"value": None, "value_from": None, "compute": "ratio", "tolerance": 0.5, "unit": "s"}
    assert nd["params"] == {"a": [1, 2], "b": {"min": 1, "max": 3, "step": 1}} and nd["answer"] == {"en": "", "zh": ""}
    no_answer = Question("demo.x", "demo", "flashcard", 2, Text("p", "p"), None).to_dict()
    assert no_answer["answer"] is None and no_answer["sources"] == [] and no_answer["file"] == ""


def test_dump_json(tmp_path, monkeypatch):
    question = one(tmp_path, monkeypatch, HEAD + q())
    text = bank.dump_json([question])
    assert text.startswith('[\n  {\n    "id": "demo.one",\n') and '"为什么缩放？"' in text
    assert json.loads(text) == [question.to_dict()]
    broken = Question("demo.x", "demo", "numeric", 2, Text("p", "p"), None, numeric=Numeric(math.nan, None, None, 1, ""))
    with pytest.raises(ValueError):
        bank.dump_json([broken])  # never prints NaN


def test_bank_lookups(tmp_path, monkeypatch):
    b, _ = validate(tmp_path, monkeypatch, HEAD + q(FLASH + "    renamed_from: [demo.old, demo.two]\n")
                    + q(qid="demo.two"))  # fmt: skip
    assert list(b.by_id) == ["demo.one", "demo.two"] and b.renames == {"demo.old": "demo.one"}
    assert b.topics == ["demo"]


# --- positions, numbers, cloze gaps, hints --------------------------------------------------------------------


def test_positions():
    data, _ = parse_yaml("# c\na:\n  b: [x, y]\n", "t.yaml")
    assert _Validator.pos(data, "a") == (2, 1) and _Validator.pos(data["a"], "b") == (3, 3)
    assert _Validator.pos(data["a"]) == (3, 3) and _Validator.pos(data, "missing") == (2, 1)
    seq = data["a"]["b"]
    assert (_Validator.pos(seq, 1), _Validator.pos(seq, 2), _Validator.pos(seq, "b")) == ((3, 10), (3, 6), (3, 6))
    empty = parse_yaml("\n\nx: []\n", "t.yaml")[0]["x"]
    assert isinstance(empty, Seq) and _Validator.pos(empty, 0) == (3, 4) and _Validator.pos(empty) == (3, 4)
    assert _Validator.pos(Map()) == (1, 1) and _Validator.pos("text", 0) == (1, 1) and _Validator.pos(None) == (1, 1)


@pytest.mark.parametrize("value, shown", [
    (10**20, "100000000000000000000"), (10**20 + 1, "an integer of about 21 digits"),
    (-(10**400), "an integer of about 401 digits"), (True, "True"), (math.inf, "inf"), (2.5, "2.5"),
])  # fmt: skip
def test_show(value, shown):
    assert bank._show(value) == shown


def test_numbers():
    assert [bank._is_number(v) for v in (1, 2.5, True, "1", None)] == [True, True, False, False, False]
    assert [bank._finite(v) for v in (1, 1e308, 10**308, 10**309, math.nan, -math.inf)] == \
        [True, True, True, False, False, False]  # fmt: skip
    assert [bank._finite_ratio(a, b) for a, b in ((1, 3), (10**309, 1), (1e308, 0.1), (2, 10**400))] == \
        [True, False, False, True]  # fmt: skip


@pytest.mark.parametrize("text, problem", [
    ("{{a}} and {{b|c}}", None),
    ("no gap at all", None),
    ("{{a {{b}} and then some more words", "a gap inside a gap at '{{a {{b}} and th'; gaps cannot be nested"),
    ("}} and more", "'}}' without an opening '{{' in '}}'"),
    ("twenty-two characters }} x", "'}}' without an opening '{{' in 'enty-two characters }}'"),
    ("{{a|}}", "gap '{{a|}}' has an empty answer; write what the learner must type"),
    ("x {{ }} y", "gap '{{ }}' has an empty answer; write what the learner must type"),
    ("{{a\nb}}", "gap starting '{{a\\nb}}' runs over a line break; close it with '}}'"),
    ("a\n{{b}}\nc", None),
    ("{{twenty-two characters", "'{{' without a closing '}}' in '{{twenty-two charact'"),
    ("x {{a}} {{b", "'{{' without a closing '}}' in '{{b'"),
    ("{{a {{b twenty-two characters long\n", "a gap inside a gap at '{{a {{b twenty-t'; gaps cannot be nested"),
    ("{{a very long first line without a close\nnext", "gap starting '{{a very long first ' runs over a line break; "
                                                       "close it with '}}'"),
])  # fmt: skip
def test_cloze_problem(text, problem):
    assert bank._cloze_problem(text) == problem


def test_same_and_closest():
    assert bank._same("Why, scale?", "why scale") and not bank._same("?", "!") and not bank._same("a", "b")
    assert bank._closest("tagz", {"tags", "type"}) == "tags" and bank._closest("zzz", {"tags"}) is None
    assert bank._closest("prompts", ["prompt", "promptx"]) == "prompt" and bank._closest("tagxyz", {"tags"}) is None


# --- directories and files -------------------------------------------------------------------------------------


def test_unique_dirs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bank").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop2")
    dirs = [Path("bank"), Path("./bank"), Path("other"), Path("bank/../bank"), tmp_path / "bank", Path("loop"),
            Path("loop/"), Path("loop2"), tmp_path / "loop2"]  # fmt: skip
    assert bank.unique_dirs(dirs) == [Path("bank"), Path("other"), Path("loop"), Path("loop2")]


def test_bank_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bank" / "sub").mkdir(parents=True)
    for name in ("b.yaml", "a.yaml", "_draft.yaml", "c.yml", "sub/d.yaml", "notes.txt"):
        (tmp_path / "bank" / name).write_text("x", encoding="utf-8")
    files, problems = bank.bank_files([Path("gone"), Path("bank"), Path("./bank")])
    assert files == [Path("bank/a.yaml"), Path("bank/b.yaml")]
    assert problems == [Problem("gone", 1, 1, "Q025", "bank directory gone does not exist")]


def test_display_path(tmp_path, monkeypatch):
    (tmp_path / "work" / "bank").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "work" / "bank" / "link.yaml").symlink_to(tmp_path / "elsewhere" / "real.yaml")
    monkeypatch.chdir(tmp_path / "work")
    assert bank.display_path(tmp_path / "work" / "bank" / "link.yaml") == "bank/link.yaml"
    assert bank.display_path(Path("bank/../bank/x.yaml")) == "bank/x.yaml"
    assert bank.display_path(tmp_path / "elsewhere" / "real.yaml") == str(tmp_path / "elsewhere" / "real.yaml")
    assert bank.display_path(Path("../elsewhere/real.yaml")) == "../elsewhere/real.yaml"


# --- load -----------------------------------------------------------------------------------------------------


def test_load_reads_the_default_dirs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for d in ("main", "extra", "more"):
        (tmp_path / d).mkdir()
        (tmp_path / d / f"{d}.yaml").write_text(HEAD.replace("demo", d) + q(qid=f"{d}.one"), encoding="utf-8")
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", "main")
    monkeypatch.setenv("QUIZ_BANKS", "extra")
    assert bank.default_dirs() == [Path("main"), Path("extra")]
    assert bank.default_dirs([Path("more")]) == [Path("main"), Path("extra"), Path("more")]
    b, problems = bank.load()
    assert [x.id for x in b.questions] == ["main.one", "extra.one"] and problems == []


def test_strict_load_raises_fatal_problems_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo.yaml").write_text(HEAD + q(sources="") + q(qid="demo.two", diff="9"), encoding="utf-8")
    b, problems = bank.load([Path(".")], strict=False)
    expected = ["demo.yaml:5:5: Q014 demo.one: no sources (a post and section, or a paper)",
                "demo.yaml:12:5: Q024 demo.two: difficulty must be 1, 2 or 3, not 9"]  # fmt: skip
    assert [str(p) for p in problems] == expected and len(b.questions) == 2
    with pytest.raises(BankError) as info:
        bank.load([Path(".")])
    assert [str(p) for p in info.value.problems] == expected[1:]
    (tmp_path / "demo.yaml").write_text(HEAD + q(sources=""), encoding="utf-8")
    b, problems = bank.load([Path(".")])  # lint only: usable
    assert [str(p) for p in problems] == expected[:1] and [x.id for x in b.questions] == ["demo.one"]
    b, problems = bank.load([Path("."), Path("gone")], strict=False)
    assert [str(p) for p in problems] == ["gone:1:1: Q025 bank directory gone does not exist", expected[0]]


def test_load_uses_the_real_registries(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = HEAD + num("value_from: attention_scaling.var_unscaled_d64, tolerance: 0.1") + q(
        '    params: {d_model: [512], n_heads: [8]}\n' + NUM_PROMPT + "    answer: {compute: head_dim, tolerance: 0.1}\n",
        "numeric", qid="demo.two")  # fmt: skip
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    b, problems = bank.load([Path(".")])
    assert problems == [] and b.by_id["demo.one"].numeric.value == 64.0


def test_every_file_is_read_after_one_that_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    texts = {"a.yaml": "", "b.yaml": "- x\n", "c.yaml": "topic: c\ntitle: {en: C, zh: C}\nquestions: 3\n",
             "demo.yaml": HEAD + q()}  # fmt: skip
    for name, text in texts.items():
        Path(name).write_text(text, encoding="utf-8")
    b, problems = bank.validate_files([Path(n) for n in texts], VERIFIERS, EXPECTED, COMPUTE)
    assert [str(p) for p in problems] == [
        "a.yaml:1:1: Q017 empty bank file: add topic, title and questions",
        "b.yaml:1:1: Q018 top level is a list; expected a mapping with topic, title, questions",
        "c.yaml:3:1: Q005 questions: a list of questions",
    ]
    assert [x.id for x in b.questions] == ["demo.one"] and b.titles == {"c": Text("C", "C"), "demo": Text("Demo", "演示")}
