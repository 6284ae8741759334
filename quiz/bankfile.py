"""Reading one bank file without trusting it: the bytes, the text and the YAML tree.

- Only regular files are read: the file is opened with O_NONBLOCK (a FIFO cannot block the
  open), the opened descriptor is checked with fstat (no race between a check and the read), and
  at most MAX_FILE_BYTES + 1 bytes are read, so /dev/zero or a huge file cannot fill memory.
- The text must be UTF-8 without terminal control characters; problems name the real line and column.
- YAML is composed with the safe loader, then turned into Python objects by one walk over the node
  graph that refuses recursive aliases, aliases that add more than MAX_ALIAS_NODES nodes, nesting
  deeper than MAX_DEPTH, tags other than the plain YAML ones, and (in any string, keys included)
  control characters written as escapes such as "\\e" or "\\x1b".

Every refusal is a Problem with file:line:col; nothing here raises on bad input.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from .problems import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024  # 2 MiB; the largest shipped bank is about 64 KB
MAX_DEPTH = 50  # nesting levels; a bank needs about 6
MAX_ALIAS_NODES = 10_000  # YAML nodes that aliases may add to one file once expanded

# Terminal control characters: C0 except tab and newline, DEL, and the C1 block (U+0080..U+009F).
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# In the raw file a carriage return is a line ending (CRLF files), not text.
RAW_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL",
          0x85: "NEL", 0x9B: "CSI"}  # fmt: skip
# A double-quoted YAML escape; used to point at the one that produced a control character.
_ESCAPE_RE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", "N": "\x85"}  # fmt: skip

SAFE_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def control_name(ch: str) -> str:
    name = _NAMES.get(ord(ch))
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


# --- bytes and text -----------------------------------------------------------------------------


class Unreadable(Exception):
    """A bank file that is not read at all; `code` is Q029 (not a regular file, ...) or Q030 (too large)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):  # fmt: skip
        if test(mode):
            return name
    return "not a regular file"


def _open_error(path: Path, exc: OSError) -> Unreadable:
    if exc.errno == errno.ELOOP:
        return Unreadable("Q029", "symlink loop: the link points back to itself; replace it with the file")
    if exc.errno == errno.ENOENT and os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return Unreadable("Q029", f"broken symlink (to {target}, which does not exist); fix or delete the link")
    if exc.errno == errno.ENXIO:  # a socket, or a device without a driver
        try:
            kind = _kind(os.stat(path).st_mode)
        except OSError:
            kind = "a special file"
        return Unreadable("Q029", f"{kind}, not a regular file; a bank must be a plain .yaml file")
    return Unreadable("Q029", f"cannot open: {exc.strerror or exc}")


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else raises Unreadable.

    O_NONBLOCK keeps a FIFO from blocking the open; fstat on the opened descriptor decides (no
    time-of-check/time-of-use gap); at most limit + 1 bytes are ever read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _open_error(Path(path), exc) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("Q029", f"{_kind(st.st_mode)}, not a regular file; a bank must be a plain .yaml file")
        if st.st_size > limit:
            raise Unreadable("Q030", f"file is {st.st_size:,} bytes; bank files are limited to {limit:,} bytes")
        chunks, total = [], 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            except OSError as exc:
                raise Unreadable("Q029", f"cannot read: {exc.strerror or exc}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while we read it
            raise Unreadable("Q030", f"file is over {limit:,} bytes; bank files are limited to {limit:,} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text without raw terminal control characters, or the first problem at its line:col."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[start : exc.start].decode("utf-8", errors="replace")) + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, Problem(path, line, col, "Q028", f"not valid UTF-8 (byte 0x{bad}); save the file as UTF-8")
    m = RAW_CONTROL_RE.search(text)
    if m:
        return None, Problem(path, *line_col(text, m.start()), "Q027",
                             f"terminal control character {control_name(m[0])} in the file; delete it")  # fmt: skip
    return text, None


def read_text(path: Path, display: str) -> tuple[str | None, Problem | None]:
    """The checked text of a bank file, or the one problem that stops it being read."""
    try:
        data = read_limited(path)
    except Unreadable as exc:
        return None, Problem(display, 1, 1, exc.code, exc.message)
    return decode(data, display)


def read_text_or_none(path: Path) -> str | None:
    """For callers that only want the text when the file is fine (the loader reports the rest)."""
    return read_text(path, str(path))[0]


# --- YAML with positions ------------------------------------------------------------------


class Map(dict):
    """A mapping that remembers where it and each of its keys were written."""

    line = col = 0
    key_pos: dict
    raw: dict  # key -> the scalar value's text as written (for messages that quote the file)


class Seq(list):
    line = col = 0
    item_pos: list


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


@lru_cache(maxsize=1)
def _constructor():
    import yaml

    return yaml.constructor.SafeConstructor()


class _Builder:
    """Turns a composed node graph into Map / Seq / scalars in one walk.

    The composer shares one node object between an anchor and its aliases, so a node seen twice is
    an alias: its object is reused (not rebuilt) and its expanded size is added to a budget; a node
    met again while it is still being built is a recursive alias."""

    def __init__(self, path: str, text: str, problems: list[Problem]):
        self.path, self.text, self.problems = path, text, problems
        self.done: dict[int, tuple[Any, int]] = {}  # id(node) -> (object, expanded size)
        self.building: set[int] = set()
        self.added = 0  # nodes added by aliases
        self._lines: list[int] | None = None

    def refuse(self, mark, code: str, message: str) -> None:
        raise _Refused(Problem(self.path, mark.line + 1, mark.column + 1, code, message))

    def build(self, node, depth: int) -> tuple[Any, int]:
        import yaml

        key = id(node)
        if key in self.building:
            self.refuse(node.start_mark, "Q031", "recursive alias: this anchor contains an alias of itself")
        if key in self.done:
            obj, size = self.done[key]
            self.added += size
            if self.added > MAX_ALIAS_NODES:
                self.refuse(node.start_mark, "Q031", f"aliases of the anchor here expand the file by more than "
                            f"{MAX_ALIAS_NODES:,} nodes (an alias bomb?); write the data out instead")  # fmt: skip
            return obj, size
        if depth > MAX_DEPTH:
            self.refuse(node.start_mark, "Q032", f"nested more than {MAX_DEPTH} levels deep; a bank needs about 6")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node), 1
        if node.tag not in SAFE_COLLECTION_TAGS:
            # Safe loading: a tag such as !!python/object or !!set is refused, never constructed.
            self.refuse(node.start_mark, "Q002", f"YAML error: tag {node.tag!r} is not allowed")
        self.building.add(key)
        size = 1
        if isinstance(node, yaml.MappingNode):
            out = Map()
            out.line, out.col = node.start_mark.line + 1, node.start_mark.column + 1
            out.key_pos, out.raw = {}, {}
            for key_node, value_node in node.value:
                k, n = self.build(key_node, depth + 1)
                pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                v, m = self.build(value_node, depth + 1)
                size += n + m
                if not isinstance(k, (str, int, float, bool)) or k is None:
                    self.problems.append(Problem(self.path, *pos, "Q005", "mapping keys must be plain words"))
                    continue
                if k in out:
                    self.problems.append(Problem(self.path, *pos, "Q023", f"duplicate key {k!r} (the later one would win)"))
                out[k] = v
                out.key_pos[k] = pos
                if isinstance(value_node, yaml.ScalarNode):
                    out.raw[k] = value_node.value
        else:
            out = Seq()
            out.line, out.col = node.start_mark.line + 1, node.start_mark.column + 1
            out.item_pos = []
            for item in node.value:
                v, n = self.build(item, depth + 1)
                size += n
                out.append(v)
                out.item_pos.append((item.start_mark.line + 1, item.start_mark.column + 1))
        self.building.discard(key)
        self.done[key] = (out, size)
        return out, size

    def scalar(self, node) -> Any:
        import yaml

        bad = CONTROL_RE.search(node.value)
        if bad:
            where = self.escape_position(node, bad[0])
            raise _Refused(Problem(self.path, *where, "Q027", f"terminal control character {control_name(bad[0])} "
                                   "in text (an escape such as \\e or \\x1b?); delete it"))  # fmt: skip
        c = _constructor()
        fn = c.yaml_constructors.get(node.tag) if node.tag else None
        if fn is None or node.tag == "tag:yaml.org,2002:binary":
            self.refuse(node.start_mark, "Q002", f"YAML error: tag {node.tag!r} is not allowed")
        try:
            return fn(c, node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            if node.tag == "tag:yaml.org,2002:int":
                self.refuse(node.start_mark, "Q033", f"integer with {len(node.value):,} characters is too large")
            self.refuse(node.start_mark, "Q002", f"YAML error: cannot read {node.value[:40]!r}: {exc}")

    def escape_position(self, node, ch: str) -> tuple[int, int]:
        """Where the control character was written: the escape that produced it, else the scalar's start."""
        if self._lines is None:
            self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]
        start, end = node.start_mark, node.end_mark
        if start.line < len(self._lines) and end.line < len(self._lines):
            a = self._lines[start.line] + start.column
            b = self._lines[end.line] + end.column
            for m in _ESCAPE_RE.finditer(self.text, a, b):
                esc = m[0][1:]
                decoded = chr(int(esc[1:], 16)) if esc[0] in "xuU" and len(esc) > 1 else _ESCAPES.get(esc)
                if decoded == ch:
                    return line_col(self.text, m.start())
        return start.line + 1, start.column + 1


def parse_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Safe-parse YAML keeping positions; every refusal becomes a problem (Q002, Q019, Q027, Q031..Q033)."""
    import yaml

    problems: list[Problem] = []
    m = RAW_CONTROL_RE.search(text)
    if m:
        return None, [Problem(path, *line_col(text, m.start()), "Q027",
                              f"terminal control character {control_name(m[0])} in the file; delete it")]  # fmt: skip
    for lineno, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            problems.append(Problem(path, lineno, indent.index("\t") + 1, "Q019",
                                    "tab used for indentation; indent with spaces"))  # fmt: skip
            return None, problems
    loader = getattr(yaml, "CSafeLoader", None)
    try:
        # libyaml's C parser when present (10x faster, and it stops nesting at 1,000 levels without
        # recursing), else the pure-Python one; both are safe.
        node = yaml.compose(text, Loader=loader or yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        if "nesting depth" in what:
            return None, [Problem(path, line, col, "Q032", f"nested more than {MAX_DEPTH} levels deep")]
        return None, [Problem(path, line, col, "Q002", f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:
        index = exc.position
        if loader is not None:  # libyaml counts bytes of the UTF-8 text
            index = len(text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore"))
        return None, [Problem(path, *line_col(text, index), "Q002", f"YAML error: {exc.reason} "
                              f"(character U+{exc.character if isinstance(exc.character, int) else 0:04X})")]  # fmt: skip
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, 1, "Q002", f"YAML error: {exc}")]
    except RecursionError:  # only the pure-Python composer recurses
        return None, [Problem(path, 1, 1, "Q032", f"nested more than {MAX_DEPTH} levels deep")]
    if node is None:
        return None, problems
    try:
        return _Builder(path, text, problems).build(node, 1)[0], problems
    except _Refused as exc:
        return None, [exc.problem]
