"""Line-breaking for Chinese (and mixed Chinese/English) text.

rich breaks lines only at spaces, so a Chinese sentence, which has none, is pushed whole onto
the next line or cut at the panel edge. Chinese may break between any two characters; Latin
words stay whole. Pure: the width comes from the caller (ui.py asks rich for it at render time).
"""

from __future__ import annotations

import re

from rich.cells import cell_len

from .safe_text import CJK

HAS_CJK = re.compile(f"[{CJK}]")
TOKEN = re.compile(f"[{CJK}]|[^\\s{CJK}]+|\\s+")
NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")  # punctuation that must not begin a line


def wrap(paragraph: str, width: int, indent: int = 0) -> list[str]:
    """Greedy fill by terminal cell width; continuation lines are indented by `indent` cells.

    A closing punctuation mark that would start a line pulls the character before it down with
    it (the usual Chinese rule), so no line starts with "，" and none runs past `width`.
    """
    lines: list[list[str]] = []
    line: list[str] = []
    used = 0

    def new_line(carry: list[str]) -> None:
        nonlocal line, used
        while line and line[-1].isspace():
            line.pop()
        lines.append(line)
        line = ([" " * indent] if indent else []) + carry
        used = sum(cell_len(t) for t in line)

    for tok in TOKEN.findall(paragraph):
        if tok.isspace():
            if line and not line[-1].isspace():
                line.append(" ")
                used += 1
            continue
        w = cell_len(tok)
        if used + w > width and any(not t.isspace() for t in line):
            carry: list[str] = []
            if tok in NO_LINE_START and not line[-1].isspace():
                if sum(not t.isspace() for t in line) > 1:
                    carry = [line.pop()]  # take the previous character (or word) along
                    while carry[0] in NO_LINE_START and sum(not t.isspace() for t in line) > 1 \
                            and not line[-1].isspace():
                        carry.insert(0, line.pop())  # "）；" together: the character before them comes too
                elif len(line[-1]) > 1:  # a lone word filling the line: its last letter comes along
                    carry = [line[-1][-1]]
                    line[-1] = line[-1][:-1]
            new_line(carry)
        while w > width - used and not HAS_CJK.match(tok) and len(tok) > 1:  # a word longer than a line
            cut = max(1, width - used)
            line.append(tok[:cut])
            tok, w = tok[cut:], cell_len(tok[cut:])
            new_line([])
        line.append(tok)
        used += w
    new_line([])
    return ["".join(t) for t in lines]
