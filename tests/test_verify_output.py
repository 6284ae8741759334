"""Verifier output reads at any width (issue #12): the claim above the checks, check names never split,
seconds once per verifier, about 10 lines per verifier at 100 columns; `quiz verify --plot/--json/--html`."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from rich.console import Console

from quiz import ui, verify
from quiz.cli import cli

K = verify.kit()


def all_results() -> list:
    """Every verifier's real claim and check names, with made-up numbers: no torch needed."""
    table = json.loads((verify.VERIFIERS_DIR / "expected.json").read_text(encoding="utf-8"))
    by_name: dict[str, list] = {}
    for key, v in table.items():
        name, check = key.split(".", 1)
        by_name.setdefault(name, []).append(K.check(check, v["expected"], v["expected"],
                                                    abs_tol=max(v["tolerance"], 1e-12)))  # fmt: skip
    # distinct seconds per verifier, so a count of "0.07 s" finds one verifier's header
    ordered = sorted(by_name.items())
    return [verify.Result(n, verify.claim(n), checks, 0.01 * (i + 1)) for i, (n, checks) in enumerate(ordered)]


def render(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [50, 60, 80, 160])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_check_name_is_split_and_no_line_exceeds_the_width(width, lang):
    results = all_results()
    views = [(ui.verify_table(results, lang), results)] + [(ui.verifier_panel(r, lang=lang), [r]) for r in results[:12]]
    for renderable, shown in views:
        lines = render(renderable, width)
        assert max(cell_len(line) for line in lines) <= width
        for r in shown:
            for c in r.checks:
                if len(c.name) <= width - 4:  # inside a panel's border too
                    assert any(c.name in line for line in lines), (c.name, width)
            assert "\n".join(lines).count(f"{r.seconds:.2f} s") == 1  # seconds once per verifier
    assert "·" not in "".join(c.name for r in results for c in r.checks)


def test_claim_is_above_the_checks_and_seconds_are_shown_once():
    r = all_results()[0]
    lines = render(ui.verify_table([r]), 80)
    assert lines[0] == f"PASS {r.name} · 0.01 s"
    claim_words = r.claim.split()
    assert lines[1].split()[:3] == claim_words[:3]  # the claim comes right after the name, not in a column
    head = next(i for i, line in enumerate(lines) if line.split()[:2] == ["check", "measured"])
    assert all(line.startswith("  " + c.name) for line, c in zip(lines[head + 1:], r.checks, strict=False))
    assert "\n".join(lines).count("0.01") == 1


def test_all_verifiers_fit_in_about_ten_lines_each_at_100_columns():
    results = all_results()
    lines = render(ui.verify_table(results), 100)
    starts = [i for i, line in enumerate(lines) if line.startswith(("PASS ", "FAIL "))]
    assert len(starts) == len(results)
    sizes = [b - a - 1 for a, b in zip(starts, [*starts[1:], len(lines) + 1], strict=True)]  # minus the blank line
    assert max(sizes) <= 10, max(sizes)


def test_narrow_terminal_stacks_each_check_below_its_name():
    r = verify.Result("prefix_lm_mask", "claim", [K.check("first_output_change_when_last_prefix_token_changes", 1, 1,
                                                          abs_tol=0)], 0.5)  # fmt: skip
    lines = render(ui.verify_table([r]), 50)
    assert "first_output_change_when_last_prefix_token_changes" in lines  # the 50-character name, whole
    assert lines[lines.index("first_output_change_when_last_prefix_token_changes") + 1].split() == ["1", "≈", "1", "0",
                                                                                                   "PASS"]  # fmt: skip


def test_verify_plot_draws_figures_under_the_checks():
    out = CliRunner().invoke(cli, ["verify", "lookahead_mask", "--plot", "--lang", "en"], terminal_width=80)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("PASS lookahead_mask")
    checks = lines.index(next(line for line in lines if "max_weight_above_diagonal" in line))
    heat = lines.index("Attention weights with the causal mask")
    assert heat > checks
    assert lines[heat + 2].split() == ["0", "1█", "·", "·", "·", "·", "·", "·", "·"]  # piped: glyph ramp, no colour
    assert max(cell_len(line) for line in lines) <= 80


def test_verify_json_includes_figures_and_a_verifier_without_figures_is_unchanged():
    out = CliRunner().invoke(cli, ["verify", "gelu", "mha_params", "--json"])
    assert out.exit_code == 0, out.stderr
    by_name = {d["name"]: d for d in json.loads(out.stdout)}
    gelu = {f["id"]: f for f in by_name["gelu"]["figures"]}
    assert set(gelu) == {"gelu_curves", "tanh_gap"}
    assert gelu["gelu_curves"]["kind"] == "line" and len(gelu["gelu_curves"]["series"][0]["x"]) == 161
    assert by_name["mha_params"]["figures"] == [] and by_name["mha_params"]["passed"]
    assert "1/2" not in out.stderr  # progress only on a terminal


def test_html_without_matplotlib_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    out = CliRunner().invoke(cli, ["verify", "gelu", "--html", str(tmp_path / "r.html")])
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines() == ["Error: the HTML report needs matplotlib: pip install 'quiz[html]' "
                                               "(or pip install matplotlib)"]  # fmt: skip
    assert not (tmp_path / "r.html").exists()


def test_progress_shows_n_of_total_on_a_terminal():
    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    child = pexpect.spawn(quiz, ["verify", "gelu", "noam_schedule"], env=env, encoding="utf-8", timeout=60,
                          dimensions=(24, 100))  # fmt: skip
    child.expect(r"1/2 gelu")
    child.expect("2/2 verifiers passed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


# --- the card: v shows the check table and the heatmap at 80x24 -----------------------------------------------

BANK = """\
topic: masks
title: {en: Masks, zh: 掩码}
questions:
  - id: masks.causal-future
    type: flashcard
    difficulty: 1
    prompt: {en: "Why can a decoder train on all positions at once?", zh: "为什么解码器可以同时训练所有位置？"}
    answer: {en: The causal mask hides every later token., zh: 因果掩码遮住了之后的每个 token。}
    verifier: lookahead_mask
    sources: [{paper: "Vaswani et al. 2017, Attention Is All You Need", where: "3.2.3"}]
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_v_on_the_causal_mask_card_shows_checks_and_heatmap_at_80x24(quiz_home, tmp_path, lang):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "masks.yaml").write_text(BANK, encoding="utf-8")
    env = {**os.environ, "QUIZ_HOME": str(quiz_home), "QUIZ_QUESTIONS_DIR": str(bank), "TERM": "xterm",
           "COLUMNS": "80", "LINES": "24"}  # fmt: skip
    quiz = shutil.which("quiz", path=os.path.dirname(sys.executable)) or "quiz"
    child = pexpect.spawn(quiz, ["study", "--lang", lang], env=env, encoding="utf-8", timeout=60, dimensions=(24, 80))
    child.logfile_read = seen = io.StringIO()
    child.expect("回车" if lang == "zh" else "show answer")
    child.send("\r")
    child.expect("1-4")
    child.send("v")
    child.expect("测量值" if lang == "zh" else "measured")
    child.expect("max_weight_above_diagonal")
    child.expect("加因果掩码的注意力权重" if lang == "zh" else "Attention weights with the causal mask")
    child.expect(r"0[^\n]*1[^\n]*·[^\n]*·")  # row 0 of the heatmap: weight 1 on itself, · for the future
    child.expect("对角线以上" if lang == "zh" else "above the diagonal")
    child.expect("quiz verify lookahead_mask --plot")  # the second figure is named, not drawn
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    lines = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.getvalue()).replace("\r\n", "\n").split("\n")
    header = max(i for i, line in enumerate(lines) if ("测量值" if lang == "zh" else "measured") in line)
    bottom = next(i for i in range(header, len(lines)) if "╰" in lines[i])
    assert bottom - header < 24  # the table header, the checks and the heatmap share one 24-line screen
    assert all(cell_len(line.rstrip()) <= 80 for line in lines[header:bottom + 1])


def test_nothing_plotting_related_is_imported_before_the_first_card(quiz_home):
    fixture = Path(__file__).parent / "data" / "bank"
    probe = textwrap.dedent(
        f"""
        import json, random, sys
        from pathlib import Path
        from click.testing import CliRunner
        from quiz.cli import cli
        for args in (["--help"], ["verify", "--help"], ["verify", "--list"]):
            assert CliRunner().invoke(cli, args).exit_code == 0
        from quiz import bank, cards, ui
        from quiz.session import Session
        from quiz.store import Store
        b, _ = bank.load([Path({str(fixture)!r})])
        session = Session.start(b, Store.open(Path({str(quiz_home)!r})))
        item = session.current()
        ui.console.print(ui.card_panel(cards.present(item.question, "en", random.Random(0)), item, session.counts(), b))
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {{"matplotlib", "PIL", "torch", "numpy"}}
                                or m in {{"quiz.figures", "quiz.html_report"}})))
        """
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_html_into_a_missing_directory_is_one_line_before_any_work(tmp_path):
    out = CliRunner().invoke(cli, ["verify", "gelu", "--html", str(tmp_path / "no" / "r.html")])
    assert out.exit_code == 1 and out.stdout == ""
    target = tmp_path / "no" / "r.html"
    assert out.stderr.strip() == f"Error: cannot write {target}: directory {target.parent} does not exist"
