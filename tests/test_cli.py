import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import __version__
from quiz.cli import cli

FIXTURE = Path(__file__).parent / "data" / "bank"


@pytest.fixture(autouse=True)
def fixture_bank(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_version():
    assert run("--version").output.strip() == f"quiz, version {__version__}"


def test_list_json_has_the_documented_fields():
    data = json.loads(run("list", "--json").output)
    assert [d["id"] for d in data] == ["basics.scale-why", "basics.scale-mcq", "basics.var-d64", "basics.mlm-cloze"]
    for d in data:
        assert {"id", "topic", "type", "difficulty", "tags", "verifier", "sources", "prompt", "answer"} <= set(d)
        assert set(d["prompt"]) == {"en", "zh"}


def test_list_filters_by_type():
    data = json.loads(run("list", "--json", "--type", "mcq").output)
    assert [d["id"] for d in data] == ["basics.scale-mcq"]


def test_list_table_in_chinese():
    assert "进行预测" in run("list", "--lang", "zh").output


def test_show_and_show_json():
    assert "To keep their variance near 1" in run("show", "basics.scale-why").output
    assert json.loads(run("show", "basics.var-d64", "--json").output)["numeric"]["value"] == 64


def test_show_unknown_id_suggests_and_exits_1():
    result = run("show", "basics.scale-wy")
    assert result.exit_code == 1
    assert "no question with id 'basics.scale-wy'" in result.output and "basics.scale-why" in result.output
    assert "Traceback" not in result.output


def test_topics_counts():
    [row] = json.loads(run("topics", "--json").output)
    assert row["topic"] == "basics" and row["total"] == 4
    assert row["types"]["mcq"] == 1 and row["verified"] == 2


def test_check_passes_on_a_good_bank():
    result = run("check")
    assert result.exit_code == 0 and "OK: 4 questions" in result.output


def test_check_reports_file_line_and_exits_1(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("topic: bad\ntitle: {en: B, zh: B}\nquestions:\n  - id: bad.x\n    type: flashcard\n"
                   "    difficulty: 5\n    prompt: {en: P, zh: P}\n    answer: {en: A, zh: A}\n"
                   "    sources: [{paper: p, where: w}]\n")  # fmt: skip
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(tmp_path))
    result = run("check")
    assert result.exit_code == 1
    assert "bad.yaml:6:5: Q024 bad.x: difficulty must be 1, 2 or 3, not 5" in result.output


def test_check_github_format(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text("topic: x\ntitle: {en: X, zh: X}\nquestions: [1]\n")
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(tmp_path))
    result = run("check", "--format", "github")
    assert result.exit_code == 1 and "::error file=" in result.output and "title=Q005" in result.output


def test_malformed_yaml_is_one_line_for_every_command(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("topic: broken\nquestions:\n  - id: [unclosed\n")
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(tmp_path))
    for args in (["list"], ["show", "x.y"], ["topics"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, args
        assert "broken.yaml:" in result.output and "Q002" in result.output and "Traceback" not in result.output


def test_missing_bank_dir(tmp_path):
    result = CliRunner().invoke(cli, ["list", "--bank", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "Q025" in result.output and "does not exist" in result.output


def test_extra_banks_from_env(tmp_path, monkeypatch):
    (tmp_path / "extra.yaml").write_text(
        "topic: extra\ntitle: {en: E, zh: E}\nquestions:\n  - id: extra.one\n    type: flashcard\n    difficulty: 1\n"
        "    prompt: {en: P?, zh: P？}\n    answer: {en: A, zh: A}\n    sources: [{paper: p, where: w}]\n")  # fmt: skip
    monkeypatch.setenv("QUIZ_BANKS", str(tmp_path))
    ids = [d["id"] for d in json.loads(run("list", "--json").output)]
    assert "extra.one" in ids and "basics.scale-why" in ids


def test_study_needs_a_terminal():
    result = CliRunner().invoke(cli, ["study"], input="")
    assert result.exit_code == 2 and "needs a terminal" in result.output


def test_corrupt_database_is_one_line(quiz_home):
    quiz_home.mkdir(parents=True)
    (quiz_home / "quiz.db").write_bytes(b"garbage" * 200)
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "corrupt" in result.output and result.output.count("\n") == 1


def test_config_set_get_and_reject(quiz_home):
    assert run("config", "new_per_day", "30").output.strip() == "new_per_day = 30"
    assert run("config", "new_per_day").output.strip() == "30"
    result = CliRunner().invoke(cli, ["config", "retention", "1.5"])
    assert result.exit_code == 2 and "not valid for retention" in result.output
    result = CliRunner().invoke(cli, ["config", "colour", "red"])
    assert result.exit_code == 2 and "unknown setting" in result.output


def test_invalid_option_value_is_usage_error():
    result = CliRunner().invoke(cli, ["list", "--type", "essay"])
    assert result.exit_code == 2 and "Invalid value for '--type'" in result.output


def test_verify_unknown_name():
    result = CliRunner().invoke(cli, ["verify", "attention_scalin"])
    assert result.exit_code == 1 and "did you mean 'attention_scaling'" in result.output


def test_verify_json_shape():
    data = json.loads(run("verify", "attention_scaling", "--json").output)
    [r] = data
    assert r["name"] == "attention_scaling" and r["passed"] is True and r["seconds"] > 0
    assert {"name", "expected", "measured", "tolerance", "passed"} <= set(r["checks"][0])


def test_stats_json_counts_reviews_per_topic(quiz_home):
    from quiz import scheduler
    from quiz.store import Store

    store = Store.open(quiz_home)
    store.record("basics.scale-mcq", 1, now=1.0, schedule=lambda s: scheduler.review(s, 1, scheduler.utcnow()),
                 correct=False)  # fmt: skip
    data = json.loads(run("stats", "--json", "--days", "3").output)
    [topic] = data["topics"]
    assert topic["topic"] == "basics" and topic["reviews"] == 1 and topic["seen"] == 1 and topic["accuracy"] == 0
    assert len(data["forecast"]) == 3
    assert "Streak" in run("stats").output


def test_check_json_format(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text("topic: x\ntitle: {en: X, zh: X}\nquestions: [1]\n")
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["check", "--format", "json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data[0]["code"] == "Q005" and data[0]["line"] == 3


def test_config_json(quiz_home):
    run("config", "retention", "0.85")
    assert json.loads(run("config", "--json").output) == {"new_per_day": 20, "reviews_per_day": 200, "retention": 0.85,
                                                          "fsrs_parameters": None}


def test_python_dash_m_quiz():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "quiz", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"quiz, version {__version__}"


def test_list_search_matches_either_language_ignoring_case_and_width():
    def ids(text):
        return [d["id"] for d in json.loads(run("list", "--json", "--search", text).output)]

    assert ids("SQRT(D_K)") == ["basics.scale-why", "basics.scale-mcq"]
    assert ids("方差") == ["basics.scale-why", "basics.scale-mcq", "basics.var-d64"]
    assert ids("no such words") == []
