"""What time it is, for every command.

QUIZ_NOW sets "now" for the whole process: an ISO date or datetime (`2026-12-24`, `2026-12-24T09:30`,
`2026-12-24T09:30:00+08:00`; a value without a zone is local time) or a Unix timestamp. Tests use it to
simulate several days of study end to end; a learner can use it to preview tomorrow's queue
(`QUIZ_NOW=2026-12-25 quiz study`). Without it, the system clock.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone


class BadClock(ValueError):
    pass


def _parse(value: str) -> float:
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise BadClock(f"QUIZ_NOW={value!r} is not a date (YYYY-MM-DD[THH:MM[:SS][+HH:MM]]) or a Unix time") from None
    if dt.tzinfo is None:
        return time.mktime(dt.timetuple()) + dt.microsecond / 1e6
    return dt.timestamp()


def timestamp() -> float:
    """Seconds since the epoch: QUIZ_NOW if set, else the system clock."""
    value = os.environ.get("QUIZ_NOW")
    if not value:
        return time.time()
    return _parse(value)


def utcnow() -> datetime:
    """Now as an aware UTC datetime (what fsrs wants)."""
    return datetime.fromtimestamp(timestamp(), timezone.utc)
