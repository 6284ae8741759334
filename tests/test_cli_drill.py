"""`quiz drill` from scripts (CliRunner): listing, --json, --stub, --file with exit codes, --history,
errors as one line; `quiz check` on broken drills (every Q040-Q049 code at its file:line); the ban
scanner and wrapper; what the drill commands import."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import drills
from quiz.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "bank"
SOFTMAX = ROOT / "drills" / "softmax"


@pytest.fixture(autouse=True)
def fixture_bank(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))
    monkeypatch.setenv("QUIZ_DRILLS_DIR", str(ROOT / "drills"))  # with replaced banks, drill cards need this


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_list_json_has_every_drill_with_signature_and_bans():
    data = json.loads(run("drill", "--json").output)
    names = [d["name"] for d in data]
    assert names == drills.names()
    assert {"attention", "causal_self_attention", "layer_norm", "log_softmax", "softmax", "top_p"} <= set(names)
    soft = next(d for d in data if d["name"] == "softmax")
    assert soft["signature"] == "softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor"
    assert soft["topic"] == "attention" and soft["id"] == "drill.softmax"
    assert "torch.nn.functional.softmax" in soft["banned"]


def status_of(name: str) -> str:
    row = next(line for line in run("drill").output.splitlines() if re.match(rf"^\W*{name}\s", line))  # its own row
    return next(s for s in ("never tried", "passed", "failing", "due") if s in row)


def test_stub_prints_the_stub_byte_for_byte():
    assert run("drill", "softmax", "--stub").output == (SOFTMAX / "stub.py").read_text()


def test_file_judging_exit_codes_reviews_history_status_and_stats(quiz_home):
    """Two attempts (each judged in a cold sandbox): wrong, then right."""
    import sqlite3

    assert status_of("softmax") == "never tried"
    bad = run("drill", "softmax", "--file", str(SOFTMAX / "wrong_no_max_subtraction.py"), "--json")
    assert bad.exit_code == 1
    verdict = json.loads(bad.output)
    assert verdict["passed"] is False
    first = next(c for c in verdict["checks"] if not c["passed"])
    assert first["name"] == "finite_on_extreme_inputs"
    assert verdict["headline"].startswith("FAIL: finite_on_extreme_inputs: ")
    example = first["example"].splitlines()
    assert example[0] == "input:" and "expected:" in example and "got:" in example and len(example) <= 20
    assert status_of("softmax") == "failing"

    good = run("drill", "softmax", "--file", str(SOFTMAX / "reference.py"))
    assert good.exit_code == 0 and "PASS: all 8 checks passed" in good.output
    assert status_of("softmax") == "passed"

    rows = sqlite3.connect(quiz_home / "quiz.db").execute(
        "SELECT question_id, rating, correct FROM reviews ORDER BY id").fetchall()
    assert rows == [("drill.softmax", 1, 0), ("drill.softmax", 3, 1)]  # each attempt is a review: Again, Good
    hist = json.loads(run("drill", "softmax", "--history", "--json").output)
    assert [h["passed"] for h in hist] == [False, True]
    assert Path(hist[0]["file"]).read_text() == (SOFTMAX / "wrong_no_max_subtraction.py").read_text()
    assert hist[0]["verdict"].startswith("FAIL: finite_on_extreme_inputs")
    text = run("drill", "softmax", "--history").output.splitlines()
    assert len(text) == 2 and "FAIL" in text[0] and "PASS" in text[1]

    out = run("stats").output
    assert "Drills per topic (passed/tried/total):" in out
    total = sum(d.topic == "attention" for d in drills.load()[0])
    assert total >= 2 and f"attention 1/1/{total}" in out  # softmax passed; the other attention drills never tried
    data = json.loads(run("stats", "--json").output)
    assert data["extra"]["drills"]["attention"] == {"drills": total, "tried": 1, "passed": 1, "due": 0}


@pytest.mark.parametrize("args,message", [
    (["drill", "sofmax"], "Error: no drill named 'sofmax'; did you mean softmax"),
    (["drill", "softmax", "--file", "missing.py"], "Error: missing.py: not a file"),
    (["drill", "--stub"], "Error: --file, --stub and --history need a drill NAME"),
    (["drill", "softmax"], "Error: `quiz drill softmax` is interactive and needs a terminal"),
])  # fmt: skip
def test_errors_are_one_line(args, message):
    result = run(*args)
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output


def test_drill_commands_do_not_import_torch(quiz_home):
    probe = textwrap.dedent("""
        import json, sys
        from click.testing import CliRunner
        from quiz.cli import cli
        runs = (["drill"], ["drill", "--json"], ["drill", "softmax", "--stub"], ["check"], ["drill", "softmax", "--history"])
        codes = [CliRunner().invoke(cli, a).exit_code for a in runs]
        print(json.dumps({"codes": codes, "torch": "torch" in sys.modules}))
    """)
    env = {**os.environ, "QUIZ_QUESTIONS_DIR": str(FIXTURE), "QUIZ_HOME": str(quiz_home)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"codes": [0, 0, 0, 0, 0], "torch": False}


def test_study_type_filter_and_drill_cards_in_the_bank():
    from quiz.bank import load
    from quiz.drill_log import with_drills

    bank = with_drills(load([FIXTURE])[0])
    cards = [q for q in bank.questions if q.type == "drill"]
    assert sorted(q.id for q in cards) == sorted(f"drill.{n}" for n in drills.names())
    assert all(q.prompt.en and q.prompt.zh for q in cards)
    assert "--type [flashcard|mcq|numeric|cloze|errata|drill]" in run("study", "--help").output
    assert "--type [flashcard|mcq|numeric|cloze|errata|drill]" in run("exam", "--help").output


# --- quiz check on broken drills ------------------------------------------------------------------


def problems_json(result) -> list[dict]:
    out = result.output  # stdout, then the summary line on stderr (mixed by CliRunner)
    return json.loads(out[: out.rindex("]") + 1])


def broken(tmp_path, edit) -> Path:
    """A copy of the softmax drill under tmp_path/drills/softmax, changed by edit(dir)."""
    root = tmp_path / "drills"
    shutil.copytree(SOFTMAX, root / "softmax", ignore=shutil.ignore_patterns("__pycache__"))
    edit(root / "softmax")
    return root


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


CASES = {
    "Q040": (lambda d: (d / "drill.yaml").unlink(), "softmax", 1),
    "Q041": (lambda d: (d / "judge.py").unlink(), "softmax", 1),
    "Q042": (lambda d: replace(d / "drill.yaml", "id: softmax", "id: soft_max"), "softmax/drill.yaml", 2),
    "Q043": (lambda d: [(d / f"{n}.py").unlink() for n in ("wrong_in_place", "wrong_ignores_dim", "wrong_float32_output")],
             "softmax", 1),
    "Q044": (lambda d: replace(d / "wrong_in_place.py", 'FAILS = "input_not_modified"', ""), "wrong_in_place.py", 1),
    "Q045": (lambda d: [(d / f).unlink() for f in ("cheat_functional_alias.py", "cheat_tensor_method.py")],
             "softmax/drill.yaml", 1),
    "Q046": (lambda d: replace(d / "drill.yaml", "  - en: Softmax does not change", "  - en2: Softmax does not change"),
             "softmax/drill.yaml", 0),
    "Q047": (lambda d: replace(d / "reference.py", "def softmax(", "def soft_max("), "reference.py", 1),
    "Q048": (lambda d: replace(d / "drill.yaml", "  - torch.softmax\n", "  - softmax\n"), "softmax/drill.yaml", 0),
}  # code: (break the drill, where the problem is reported, line or 0 for "any line")


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_drill_problem_code(code, tmp_path, monkeypatch):
    edit, where, line = CASES[code]
    monkeypatch.setenv("QUIZ_DRILLS_DIR", str(broken(tmp_path, edit)))
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    problems = [p for p in problems_json(result) if p["code"] == code]
    assert problems, result.output
    assert where in problems[0]["path"]
    assert line == 0 or problems[0]["line"] == line


def test_q049_a_bank_question_may_not_use_the_drill_prefix(tmp_path, monkeypatch):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "drill.yaml").write_text(textwrap.dedent("""\
        topic: drill
        title: {en: Drill, zh: 练习}
        questions:
          - id: drill.softmax
            type: flashcard
            difficulty: 1
            prompt: {en: "Why subtract the max?", zh: "为什么减去最大值？"}
            answer: {en: "Overflow.", zh: "溢出。"}
            sources: [{paper: "x", where: "y"}]
    """))
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(bank))
    result = run("check", "--format", "json")
    assert [p["code"] for p in problems_json(result)] == ["Q049"]


def test_the_real_drills_check_clean_and_codes_are_listed():
    assert drills.check_all() == []
    codes = run("check", "--codes").output
    for code, meaning in drills.CODES.items():
        assert f"{code}  {meaning}" in codes
    assert set(drills.CODES) == {f"Q0{n}" for n in range(40, 50)}
    readme = (ROOT / "drills" / "README.md").read_text()
    assert all(f"| {code} |" in readme for code in drills.CODES)


# --- bans -----------------------------------------------------------------------------------------


def test_scan_names_the_line_through_aliases_and_strings():
    kit = drills.toolkit()
    source = textwrap.dedent("""\
        import torch
        import torch.nn.functional as F
        from torch.nn.functional import softmax as s
        def softmax(x, dim=-1):
            a = F.softmax(x, dim)
            b = getattr(F, "softmax")(x, dim)
            return x.softmax(dim)
    """)
    hits = kit.scan(source, ["torch.nn.functional.softmax", "torch.Tensor.softmax"])
    assert [line for line, _ in hits] == [3, 5, 6, 7]
    assert "from torch.nn.functional import softmax" in hits[0][1]
    assert kit.scan("def softmax(x):\n    return softmax(x)\n", ["torch.softmax"]) == []  # own name is fine


def test_bans_raise_while_inside_and_are_restored_after():
    import torch

    kit = drills.toolkit()
    original_f, original_t = torch.nn.functional.softmax, torch.softmax
    namespace = {"s": original_f}
    bans = kit.Bans(["torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.softmax", "torch.nn.Softmax"],
                    [namespace])  # fmt: skip
    x = torch.randn(3)
    with bans:
        for call in (lambda: torch.nn.functional.softmax(x, -1), lambda: x.softmax(-1), lambda: torch.softmax(x, -1),
                     lambda: namespace["s"](x, -1), lambda: torch.nn.Softmax(-1)):  # fmt: skip
            with pytest.raises(kit.BannedCall):
                call()
    assert bans.calls == ["torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.softmax",
                          "torch.nn.functional.softmax", "torch.nn.Softmax"]  # fmt: skip
    assert torch.nn.functional.softmax is original_f and torch.softmax is original_t and namespace["s"] is original_f
    assert "softmax" not in vars(torch.Tensor)  # the method comes from TensorBase again
    assert torch.allclose(x.softmax(-1).sum(), torch.tensor(1.0))


def test_a_swallowed_banned_call_is_still_reported(tmp_path):
    path = tmp_path / "sneaky.py"
    path.write_text(textwrap.dedent("""\
        import torch
        def softmax(x, dim=-1):
            try:
                torch.special.softmax(x, dim)  # noqa
            except Exception:
                pass
            e = torch.exp(x - x.amax(dim, keepdim=True))
            return e / e.sum(dim, keepdim=True)
    """))
    checks = drills.evaluate(drills.find("softmax"), path)
    assert checks[0].name == "no_banned_calls" and not checks[0].passed
    assert "line 4" in checks[0].note and "special.softmax" in checks[0].note
    assert all(c.passed for c in checks[1:])  # everything else about it is right


def test_drill_cards_come_from_a_json_cache_rebuilt_when_a_drill_changes(tmp_path, monkeypatch, quiz_home):
    from quiz import drill_log

    root = broken(tmp_path, lambda d: None)
    monkeypatch.setenv("QUIZ_DRILLS_DIR", str(root))
    first = drill_log.card_drills()
    cache = quiz_home / drill_log.CACHE_NAME
    assert [d.name for d in first] == ["softmax"] and json.loads(cache.read_text())["drills"][0]["name"] == "softmax"
    assert drill_log.card_drills() == first  # served from the cache, equal field by field
    replace(root / "softmax" / "drill.yaml", "en: Stable softmax", "en: Stable softmax, edited")
    assert drill_log.card_drills()[0].title.en == "Stable softmax, edited"
    cache.write_text("{not json")
    assert drill_log.card_drills()[0].title.en == "Stable softmax, edited"  # a damaged cache is rebuilt


def test_drills_schema_accepts_every_drill_and_rejects_a_bad_one():
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "drills" / "schema.json").read_text())
    questions = json.loads((ROOT / "questions" / "schema.json").read_text())
    assert questions["$defs"]["drill"]["$ref"] == "../drills/schema.json"
    for name in drills.names():
        jsonschema.validate(yaml.safe_load((ROOT / "drills" / name / "drill.yaml").read_text()), schema)
    bad = yaml.safe_load((SOFTMAX / "drill.yaml").read_text())
    bad["hints"] = bad["hints"][:2]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_learner_text_is_printed_inert(tmp_path):
    path = tmp_path / "evil.py"
    path.write_text('print("\\x1b]0;pwned\\x07\\x1b[2J[bold]markup[/bold]")\n'
                    'def softmax(x, dim=-1):\n    raise ValueError("\\x1b[31mred [link=x]y[/link]")\n')
    result = run("drill", "softmax", "--file", str(path))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[bold]markup[/bold]" in result.output  # shown as text, not interpreted
    assert "raised ValueError: [31mred [link=x]y[/link]" in result.output


def test_status_due_follows_the_schedule(quiz_home, monkeypatch):
    from quiz import cli_drill

    cli_drill._record(drills.find("layer_norm"), 3, "pass", True)  # a first-try pass: Good
    assert status_of("layer_norm") == "passed"
    monkeypatch.setenv("QUIZ_NOW", "2099-01-01")
    assert status_of("layer_norm") == "due"


def test_workspace_file_is_kept_or_started_fresh_with_the_old_one_moved_aside(tmp_path):
    from quiz.drill_log import start_file

    d = drills.find("softmax")
    path, created = start_file(d, tmp_path)
    assert created and path == tmp_path / "softmax.py" and path.read_text() == d.stub()
    path.write_text("# my work in progress\n")
    assert start_file(d, tmp_path) == (path, False) and path.read_text() == "# my work in progress\n"
    assert start_file(d, tmp_path, fresh=True) == (path, True)  # a review in study starts from the stub
    assert path.read_text() == d.stub()
    assert (tmp_path / "softmax.py.prev").read_text() == "# my work in progress\n"  # never lost


@pytest.mark.parametrize("columns", [50, 80, 160])
def test_drill_list_is_one_line_per_drill_with_its_status_at_any_width(columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run("drill").output.splitlines()
    names = [d.name for d in drills.load()[0]]
    for name in names:
        [row] = [line for line in out if re.match(rf"^\W*{name}\s", line)]
        assert "never tried" in row and len(row) <= columns
    assert len(out) == len(names) + 2  # the title line, the header, one row per drill
