"""Code hygiene and documentation that must not drift."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from quiz.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    out = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    test_cmd = next(b.strip() for b in blocks if "pytest" in b)
    assert test_cmd in ci


def test_readme_command_reference_matches_help():
    sys.path.insert(0, str(ROOT / "scripts"))
    import update_readme

    readme = (ROOT / "README.md").read_text()
    assert update_readme.render(readme) == readme, "run: python scripts/update_readme.py"


def test_every_command_is_in_the_readme_reference():
    readme = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert f"quiz {name}" in readme, name
        help_text = CliRunner().invoke(cli, [name, "--help"]).output
        for opt in re.findall(r"^\s+(--[a-z-]+)", help_text, re.M):
            if opt != "--help":
                assert opt in readme, f"quiz {name} {opt} is not documented in the README"
