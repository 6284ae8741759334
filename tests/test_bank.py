import os
import time
from pathlib import Path

import pytest

from quiz import bank
from quiz.problems import BankError

FIXTURE = Path(__file__).parent / "data" / "bank"


def test_fixture_bank_loads_into_frozen_questions():
    b, problems = bank.load([FIXTURE])
    assert problems == []
    q = b.by_id["basics.scale-mcq"]
    assert q.type == "mcq" and [c.correct for c in q.choices] == [True, False, False]
    assert q.prompt.get("zh").startswith("sqrt(d_k)") and q.line == 14
    with pytest.raises(AttributeError):
        q.id = "other"  # frozen
    assert b.by_id["basics.var-d64"].numeric.value == 64
    assert b.by_id["basics.mlm-cloze"].gaps("en") == [["15%", "15"]]


def test_content_hash_changes_with_the_answer_only():
    b, _ = bank.load([FIXTURE])
    q = b.by_id["basics.scale-why"]
    from dataclasses import replace

    assert replace(q, tags=("other",)).content_hash == q.content_hash
    assert replace(q, answer=bank.Text("changed", q.answer.zh)).content_hash != q.content_hash


def test_strict_load_raises_with_every_problem(tmp_path):
    (tmp_path / "a.yaml").write_text("topic: a\ntitle: {en: A, zh: A}\nquestions:\n  - id: a.x\n  - id: a.x\n")
    with pytest.raises(BankError) as info:
        bank.load([tmp_path])
    codes = [p.code for p in info.value.problems]
    assert "Q001" in codes and codes.count("Q004") >= 4  # all problems, not just the first


def test_safe_loading_refuses_python_tags(tmp_path):
    (tmp_path / "evil.yaml").write_text("topic: !!python/object/apply:os.system ['echo pwned']\n")
    _, problems = bank.load([tmp_path], strict=False)
    assert [p.code for p in problems] == ["Q002"]


def test_parametric_question_validates_compute_arguments(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "topic: p\ntitle: {en: P, zh: P}\nquestions:\n  - id: p.kv\n    type: numeric\n    difficulty: 2\n"
        "    params: {n_layers: [32], seq_len: {min: 128, max: 512, step: 128}}\n"
        "    prompt: {en: 'L={n_layers} T={seq_len}', zh: 'L={n_layers} T={seq_len}'}\n"
        "    answer: {compute: kv_cache_bytes, tolerance: 0.01}\n    sources: [{paper: p, where: w}]\n")  # fmt: skip
    _, problems = bank.load([tmp_path], strict=False)
    [p] = problems
    assert p.code == "Q012" and "needs params n_kv_heads, head_dim" in p.message and p.line == 9


def test_cache_is_reused_and_invalidated_by_an_edit(tmp_path, monkeypatch):
    src = tmp_path / "bank"
    src.mkdir()
    (src / "basics.yaml").write_text((FIXTURE / "basics.yaml").read_text())
    cache = tmp_path / "cache"
    b1, _ = bank.load_cached([src], cache)
    assert (cache / "bank-cache.json").exists() and not (cache / "bank-cache.pickle").exists()
    assert [p.name for p in cache.iterdir()] == ["bank-cache.json"]  # no temp file left behind
    from quiz import bank_cache

    def no_parsing(*args, **kwargs):
        raise AssertionError("a warm start must not parse the banks")

    with monkeypatch.context() as m:
        m.setattr(bank_cache, "load", no_parsing)
        b2, _ = bank.load_cached([src], cache)
    assert b2 == b1 and b2 is not b1
    assert [q.content_hash for q in b2.questions] == [q.content_hash for q in b1.questions]
    text = (src / "basics.yaml").read_text().replace("To keep their variance", "To keep the variance")
    (src / "basics.yaml").write_text(text)
    os.utime(src / "basics.yaml", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    b3, _ = bank.load_cached([src], cache)
    assert b3.by_id["basics.scale-why"].answer.en.startswith("To keep the variance")


def test_damaged_cache_is_ignored(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "bank-cache.json").write_bytes(b"not json")
    b, _ = bank.load_cached([FIXTURE], cache)
    assert len(b.questions) == 4
