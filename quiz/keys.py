"""The keyboard of an interactive session: every key kept, in order, whatever arrives in one read.

click.getchar() reads up to 32 bytes and hands them back as one "key", so `e3` typed fast, pasted or
delivered by a slow SSH link in one packet was neither `e` nor `3`, and was dropped; it also switched the
terminal to raw mode with TCSAFLUSH on every call, discarding whatever had been typed ahead. Here the
terminal stays in non-canonical, no-echo mode for the whole session (signals and output processing
untouched, so Ctrl-C is still KeyboardInterrupt and newlines still print as newlines); bytes are decoded
incrementally (a UTF-8 character split across reads survives) and split into keys, an escape sequence
(an arrow key) being one key; keys wait in a queue until asked for. Typed answers are read from the same
queue by a small line editor (Backspace, Ctrl-U), so keys typed ahead of a prompt are never lost either.

No rich here: the caller passes the function that draws the prompt.
"""

from __future__ import annotations

import codecs
import os
import select
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Callable

ENTER = {"\r", "\n"}
BACKSPACE = {"\x7f", "\x08"}
CTRL_D, CTRL_U = "\x04", "\x15"


class TimeUp(Exception):
    """The deadline passed while waiting for a key."""


def split_keys(text: str) -> list[str]:
    """One entry per key: characters, and escape sequences kept whole ("\\x1b[A" is the Up arrow)."""
    keys, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\x1b" and i + 1 < len(text) and text[i + 1] in "[O":
            j = i + 2
            if text[i + 1] == "[":
                while j < len(text) and not ("@" <= text[j] <= "~"):
                    j += 1
            keys.append(text[i : j + 1])
            i = j + 1
            continue
        keys.append(ch)
        i += 1
    return keys


class Keyboard:
    def __init__(self, fd: int | None = None, out=None):
        if fd is None:
            try:
                fd = sys.stdin.fileno()
            except (OSError, ValueError):  # no real stdin (a test driving the loop with its own key()): no tty setup
                fd = -1
        self.fd = fd
        self.out = out or sys.stdout
        self.pending: deque[str] = deque()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._saved = None

    # --- terminal mode ------------------------------------------------------------------

    def __enter__(self) -> Keyboard:
        try:
            import termios

            if os.isatty(self.fd):
                self._saved = termios.tcgetattr(self.fd)
                mode = termios.tcgetattr(self.fd)
                mode[3] &= ~(termios.ICANON | termios.ECHO)  # lflag: keys one by one, not echoed
                mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
                termios.tcsetattr(self.fd, termios.TCSANOW, mode)  # TCSANOW: keys typed ahead are kept
        except (ImportError, OSError):
            self._saved = None
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is not None:
            import termios

            try:
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            except OSError:
                pass
            self._saved = None

    # --- reading keys -----------------------------------------------------------------------

    def _fill(self, timeout: float | None) -> bool:
        """Read what is there (waiting up to `timeout` seconds; None waits forever); False on timeout."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        data = os.read(self.fd, 4096)
        if not data:
            raise EOFError
        self.pending.extend(split_keys(self._decoder.decode(data)))
        return True

    def get(self, timeout: float | None = None) -> str | None:
        """The next key, or None when `timeout` seconds pass without one."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self.pending:
            left = None if end is None else max(end - time.monotonic(), 0)
            if not self._fill(left) and end is not None and time.monotonic() >= end:
                return None
        return self.pending.popleft()

    def key(self, valid: set[str], *, deadline: float | None = None, tick: Callable[[], None] | None = None) -> str:
        """The next key in `valid` (Enter reads as "enter"; letters lower-cased), others ignored.
        With a deadline (time.monotonic()), `tick` runs about once a second and TimeUp is raised at it."""
        while True:
            k = self._next(deadline, tick)
            if k == CTRL_D:
                raise EOFError
            k = "enter" if k in ENTER else k.lower()
            if k in valid:
                return k

    def _next(self, deadline: float | None, tick: Callable[[], None] | None) -> str:
        while True:
            if deadline is None:
                return self.get()
            left = deadline - time.monotonic()
            if left <= 0 and not self.pending:
                raise TimeUp
            k = self.get(min(max(left, 0), 1.0))
            if k is not None:
                return k
            if tick:
                tick()

    def line(self, draw: Callable[[], None], *, deadline: float | None = None) -> str:
        """A typed line: `draw()` prints the prompt (again, after "\\r" and a line clear, once a second when
        there is a deadline, keeping what was typed). Backspace deletes, Ctrl-U clears, Ctrl-D on an
        empty line is end of input, escape sequences are ignored."""
        typed: list[str] = []

        def redraw() -> None:
            self.out.write("\r\x1b[2K")
            self.out.flush()
            draw()
            self.out.write("".join(typed))
            self.out.flush()

        draw()
        self.out.flush()
        while True:
            k = self._next(deadline, redraw if deadline is not None else None)
            if k in ENTER:
                self.out.write("\n")
                self.out.flush()
                return "".join(typed)
            if k in BACKSPACE:
                if typed:
                    w = 2 if unicodedata.east_asian_width(typed.pop()) in "WF" else 1
                    self.out.write("\b" * w + " " * w + "\b" * w)
            elif k == CTRL_U:
                typed.clear()
                redraw()
            elif k == CTRL_D:
                if not typed:
                    raise EOFError
            elif len(k) == 1 and k.isprintable():
                typed.append(k)
                self.out.write(k)
            self.out.flush()
