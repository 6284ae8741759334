"""Text from a bank, a store or the learner, made safe to print on a terminal.

`clean()` removes terminal control characters: whole escape sequences (CSI `ESC [ ... m`, OSC
`ESC ] ... BEL`, two-byte `ESC x`), then every remaining C0 control except newline and tab, DEL and
the C1 controls (U+0080..U+009F, which some terminals read as escape sequences). Pure, import-free,
and cheap enough to run on every string printed.
"""

from __future__ import annotations

import re

# Chinese, Japanese and Korean script and punctuation blocks, as one regex character-class body: CJK radicals
# through unified ideographs (U+2E80..U+9FFF, which includes the CJK punctuation block U+3000..U+303F),
# compatibility ideographs and full-width forms. bank.py (spaces between CJK characters) and wrap.py (where
# lines may break) share this one definition.
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"

_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks (BEL or ST ends it)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other ESC sequence, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """`text` as a string without terminal control characters (newline and tab are kept)."""
    s = text if isinstance(text, str) else str(text)
    if not _CONTROL.search(s):  # the common case: nothing to do
        return s
    return _CONTROL.sub("", _SEQUENCE.sub("", s))
