"""Small things a learner meets: help summaries, setting errors, export location, parametric proofs."""

import random
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from rich.console import Console

from quiz import cards, ui
from quiz.bank import load
from quiz.cli import cli

FIXTURE = Path(__file__).parent / "data" / "bank"


@pytest.fixture(autouse=True)
def fixture_bank(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))


@pytest.mark.parametrize("width", [60, 80, 160])
def test_help_lists_every_command_with_its_whole_summary(width):
    out = CliRunner().invoke(cli, ["--help"], terminal_width=width).output
    commands = out.split("Commands:")[1]
    assert "..." not in commands
    flat = re.sub(r"-\s+", "-", " ".join(commands.split()))  # a line may break after a hyphen
    for name, cmd in cli.commands.items():
        first = " ".join(cmd.help.split("\n\n")[0].split())
        assert f"{name} {first}" in flat


def test_config_with_a_negative_number_says_what_is_valid():
    result = CliRunner().invoke(cli, ["config", "new_per_day", "-1"])
    assert result.exit_code == 2
    assert "'-1' is not valid for new_per_day" in result.output
    assert "a whole number, 0 or more" in result.output
    assert "No such option" not in result.output
    ok = CliRunner().invoke(cli, ["config", "new_per_day", "7"])
    assert ok.exit_code == 0 and CliRunner().invoke(cli, ["config", "new_per_day"]).output.strip() == "7"


def test_export_without_output_says_where_it_writes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"No -o given: writing quiz-en.apkg in the current directory ({tmp_path})" in result.output
    assert (tmp_path / "quiz-en.apkg").is_file()
    gitignore = (Path(__file__).parents[1] / ".gitignore").read_text().split()
    assert "*.apkg" in gitignore


def test_help_documents_quiz_lang():
    out = CliRunner().invoke(cli, ["study", "--help"], terminal_width=200).output
    assert "QUIZ_LANG" in out
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "`QUIZ_LANG`" in readme


def test_v_on_a_parametric_card_shows_this_draws_numbers_as_the_formula_computes_them():
    bank, _ = load([Path(__file__).parents[1] / "questions"], strict=False)
    q = bank.by_id["architectures.causal-pairs"]
    p = cards.present(q, "en", random.Random(4))
    (name, value), = p.params
    check = SimpleNamespace(name="pairs", measured=1.0, expected=1.0, tolerance=0.0, passed=True, relation="=")
    result = SimpleNamespace(name="causal_rank", claim="A claim.", checks=[check], seconds=0.1, error="",
                             passed=True, figures=[], figure_error="")
    console = Console(width=80, record=True, color_system=None)
    console.print(ui.verifier_panel(result, None, "en", p))
    text = " ".join(console.export_text().split())
    n = int(value)
    assert f"this draw: {name} = {n}" in text
    assert re.search(rf"the formula with this draw: {q.numeric.compute}\(\) = {n * (n + 1) // 2:,} pairs", text)
    assert p.value == n * (n + 1) / 2  # (the formula itself: a causal mask keeps T(T+1)/2 pairs)
