"""Where things live: the built-in banks, verifiers and drills, and the user's data dir.

Installed (pip, pipx, a wheel), the data ships inside the package as quiz/_data/<dir> (see
pyproject.toml); in a checkout (or an editable install) it is at the top of the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "_data"
ROOT = Path(__file__).resolve().parent.parent  # the checkout, when running from one


def _data(name: str) -> Path:
    installed = PACKAGE_DATA / name
    return installed if installed.is_dir() else ROOT / name


QUESTIONS_DIR = _data("questions")
VERIFIERS_DIR = _data("verifiers")
DRILLS_DIR = _data("drills")


def data_dir() -> Path:
    """QUIZ_HOME if set, else the platform's user data dir (imported lazily: it is only needed here)."""
    home = os.environ.get("QUIZ_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("quiz", appauthor=False))


def questions_dir() -> Path:
    """The built-in banks; QUIZ_QUESTIONS_DIR replaces them (tests, or people who keep their own set)."""
    return Path(os.environ.get("QUIZ_QUESTIONS_DIR") or QUESTIONS_DIR)


def extra_bank_dirs() -> list[Path]:
    """QUIZ_BANKS: extra question dirs, separated like PATH."""
    value = os.environ.get("QUIZ_BANKS", "")
    return [Path(p).expanduser() for p in value.split(os.pathsep) if p]
