"""The wheel carries the banks and verifiers (as quiz/_data/...), and paths.py finds them there."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from quiz import paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    try:  # this venv's setuptools, if it is the one pyproject.toml asks for: seconds faster than an isolated build
        import setuptools

        recent = int(setuptools.__version__.split(".")[0]) >= 68
    except ImportError:
        recent = False
    isolation = ["--no-build-isolation"] if recent else []
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)  # fmt: skip
    [built] = out.glob("quiz-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_ships_every_bank_and_verifier(wheel):
    names = set(wheel.namelist())
    expected = {f"quiz/_data/questions/{p.name}" for p in (ROOT / "questions").iterdir() if p.suffix in (".yaml", ".json")}
    expected |= {f"quiz/_data/verifiers/{p.name}" for p in (ROOT / "verifiers").iterdir() if p.suffix in (".py", ".json")}
    assert "quiz/_data/questions/schema.json" in expected and "quiz/_data/verifiers/expected.json" in expected
    assert expected <= names
    data = {n for n in names if n.startswith("quiz/_data/")}
    drills = {n for n in data if n.startswith("quiz/_data/drills/")}
    assert data - drills == expected  # nothing else from the top of the repository (tests, scripts, docs)
    assert not any(n.endswith(".pyc") for n in names)


def test_paths_prefer_package_data_and_fall_back_to_the_checkout(tmp_path, monkeypatch):
    assert paths.QUESTIONS_DIR == ROOT / "questions"  # a checkout: no quiz/_data
    monkeypatch.setattr(paths, "PACKAGE_DATA", tmp_path)
    (tmp_path / "questions").mkdir()
    assert paths._data("questions") == tmp_path / "questions"
    assert paths._data("verifiers") == ROOT / "verifiers"


def test_the_wheel_ships_every_drill_and_the_loader_finds_them_there(wheel, tmp_path):
    names = set(wheel.namelist())
    expected = {f"quiz/_data/drills/{p.relative_to(ROOT / 'drills')}" for p in (ROOT / "drills").rglob("*")
                if p.is_file() and p.suffix in (".py", ".yaml", ".json") and "__pycache__" not in p.parts}  # fmt: skip
    assert len([n for n in expected if n.endswith("/drill.yaml")]) >= 30 and expected <= names
    wheel.extractall(tmp_path)  # the installed layout: the loader must look in quiz/_data/drills, not a checkout
    code = "from quiz import drills; print(drills.drills_dir(), len(drills.load()[0]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(tmp_path)}, check=True).stdout.split()  # fmt: skip
    assert out[0] == str(tmp_path / "quiz" / "_data" / "drills") and int(out[1]) >= 30
