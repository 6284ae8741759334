"""The quiz path must never import torch or numpy: they cost seconds, the first card must not."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "bank"

PROBE = textwrap.dedent(
    """
    import json, sys
    from click.testing import CliRunner
    from quiz.cli import cli
    result = CliRunner().invoke(cli, sys.argv[1:])
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "numpy", "genanki", "fsrs"})
    print(json.dumps({"exit": result.exit_code, "heavy": heavy}))
    """
)


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "--json"], ["show", "basics.scale-why"],
                                  ["topics"], ["check"], ["verify", "--list"]])  # fmt: skip
def test_commands_do_not_import_heavy_modules(args, quiz_home):
    env = {**os.environ, "QUIZ_QUESTIONS_DIR": str(FIXTURE)}
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["exit"] == 0
    assert report["heavy"] == []


def test_study_up_to_the_first_card_imports_neither_torch_nor_numpy(quiz_home):
    """Build the session and render the first card exactly as `quiz study` does, then look at sys.modules."""
    probe = textwrap.dedent(
        f"""
        import json, random, sys
        from pathlib import Path
        from quiz import bank, cards, ui
        from quiz.session import Session
        from quiz.store import Store
        b, _ = bank.load([Path({str(FIXTURE)!r})])
        session = Session.start(b, Store.open(Path({str(quiz_home)!r})))
        item = session.current()
        ui.console.print(ui.card_panel(cards.present(item.question, "en", random.Random(0)), item, session.counts(), b))
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {{"torch", "numpy"}})))
        """
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
