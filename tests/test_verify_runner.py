"""The runner around verifiers: broken ones are reported as failures, never as tracebacks."""

import shutil

from quiz import verify
from quiz.paths import VERIFIERS_DIR


def make_dir(tmp_path, files: dict[str, str]):
    d = tmp_path / "verifiers"
    d.mkdir()
    shutil.copy(VERIFIERS_DIR / "_kit.py", d / "_kit.py")
    for name, text in files.items():
        (d / f"{name}.py").write_text(text)
    return d


def test_a_verifier_with_a_syntax_error_fails_cleanly(tmp_path):
    d = make_dir(tmp_path, {"broken_syntax": "def run(seed=0:\n"})
    result = verify.run("broken_syntax", directory=d)
    assert not result.passed and result.error.startswith("cannot load: SyntaxError")


def test_a_verifier_that_raises_fails_cleanly(tmp_path):
    d = make_dir(tmp_path, {"raises": '"""Claims something."""\n\ndef run(seed=0):\n    raise ValueError("boom")\n'})
    result = verify.run("raises", directory=d)
    assert not result.passed and result.error == "ValueError: boom" and result.claim == "Claims something."


def test_a_verifier_with_no_checks_does_not_pass(tmp_path):
    d = make_dir(tmp_path, {"empty": '"""Claims nothing."""\n\ndef run(seed=0):\n    return []\n'})
    assert not verify.run("empty", directory=d).passed


def test_names_only_lists_registered_files(tmp_path):
    d = make_dir(tmp_path, {"good_one": "", "Bad-Name": ""})
    (d / "notes.txt").write_text("x")
    assert verify.names(d) == ["good_one"]


def test_damaged_expected_json_reads_as_empty(tmp_path):
    p = tmp_path / "expected.json"
    p.write_text("{not json")
    assert verify.load_expected(p) == {}
    p.write_text('{"a.b": {"expected": 2}}')
    assert verify.load_expected(p) == {"a.b": 2.0}
