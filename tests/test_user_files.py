"""The learner's and contributor's files: an export that fails keeps the previous deck; `quiz new` keeps a
bank byte for byte (BOM, CRLF) and says in one line when it cannot write."""

import hashlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import bank as bank_module
from quiz import export as export_module
from quiz.cli import cli

FIXTURE = Path(__file__).parent / "data" / "bank"


@pytest.fixture(autouse=True)
def fixture_bank(monkeypatch):
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(FIXTURE))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_export_keeps_the_previous_deck(tmp_path, monkeypatch, error):
    (tmp_path / "out").mkdir()
    deck = tmp_path / "out" / "deck.apkg"
    assert CliRunner().invoke(cli, ["export", "-o", str(deck)]).exit_code == 0
    before = sha(deck)
    real = export_module.build_package

    def half_written(*args):
        package = real(*args)

        def write_to_file(path):
            Path(path).write_bytes(b"PK\x03\x04 half a zip")
            raise error

        package.write_to_file = write_to_file
        return package

    monkeypatch.setattr(export_module, "build_package", half_written)
    result = CliRunner().invoke(cli, ["export", "-o", str(deck)])
    assert result.exit_code == 1
    if isinstance(error, OSError):
        assert result.stderr == f"Error: cannot write {deck}: No space left on device\n"
    assert sha(deck) == before
    assert sorted(p.name for p in deck.parent.iterdir()) == ["deck.apkg"]  # no temporary file left behind


def test_export_replaces_the_deck_with_normal_permissions(tmp_path):
    deck = tmp_path / "deck.apkg"
    deck.write_bytes(b"old")
    assert CliRunner().invoke(cli, ["export", "-o", str(deck)]).exit_code == 0
    assert deck.read_bytes()[:2] == b"PK" and deck.stat().st_mode & 0o644 == 0o644


BANK = (
    "# yaml-language-server: $schema=schema.json\n"
    "topic: crlf\n"
    "title: {en: Line endings, zh: 换行}\n"
    "questions:\n"
    "  - id: crlf.one\n"
    "    type: flashcard\n"
    "    difficulty: 1\n"
    "    prompt: {en: \"P?\", zh: \"P？\"}   # a comment, kept\n"
    "    answer: {en: \"A\", zh: \"答\"}\n"
    "    sources: [{paper: \"X 2020\", where: \"1\"}]\n"
)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_quiz_new_keeps_the_bank_byte_for_byte(tmp_path, bom, newline):
    path = tmp_path / "crlf.yaml"
    original = bom + BANK.replace("\n", newline).encode("utf-8")
    path.write_bytes(original)
    result = CliRunner().invoke(cli, ["new", "--topic", "crlf", "--type", "flashcard", "--id", "two",
                                      "--bank-dir", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert re.match(r".*crlf\.yaml:12: added crlf\.two \(flashcard\)", result.stdout)
    after = path.read_bytes()
    assert after.startswith(original)  # everything that was there is still there, byte for byte
    added = after[len(original):].decode("utf-8")
    assert "id: crlf.two" in added
    lines = added.split("\n")[:-1]
    assert all(ln.endswith("\r") for ln in lines) if newline == "\r\n" else not any(ln.endswith("\r") for ln in lines)
    bank, problems = bank_module.load([tmp_path], strict=False)
    assert [q.id for q in bank.questions] == ["crlf.one", "crlf.two"]
    assert after.splitlines()[11].lstrip().startswith(b"- id: crlf.two")  # the reported line is the new id


def test_quiz_new_into_a_directory_it_cannot_write_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = CliRunner().invoke(cli, ["new", "--topic", "zz", "--type", "flashcard", "--bank-dir", str(blocker / "bank")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == (f"Error: cannot write {blocker / 'bank'} (Not a directory); choose a writable directory "
                             "with --bank-dir / --verifier-dir\n")  # fmt: skip
    assert blocker.read_text() == "not a directory"


def test_quiz_new_verifier_into_a_directory_it_cannot_write_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["new", "--verifier", "my_claim", "--claim", "c", "--verifier-dir",
                                      str(blocker / "v")])  # fmt: skip
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: cannot write {blocker / 'v'} (Not a directory);")
    assert len(result.stderr.splitlines()) == 1
