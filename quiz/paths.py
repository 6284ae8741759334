"""Where things live: the repo's banks and verifiers, and the user's data dir."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_DIR = ROOT / "questions"
VERIFIERS_DIR = ROOT / "verifiers"


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
