"""A fake $EDITOR for the pty tests: the first call writes a wrong solution, later calls the right one.

Usage: python drill_editor.py FILE; DRILL_EDITOR_STATE names a counter file, DRILL_EDITOR_WRONG and
DRILL_EDITOR_RIGHT the files to copy.
"""

import os
import shutil
import sys
from pathlib import Path

state = Path(os.environ["DRILL_EDITOR_STATE"])
calls = int(state.read_text()) if state.exists() else 0
state.write_text(str(calls + 1))
shutil.copyfile(os.environ["DRILL_EDITOR_WRONG" if calls == 0 else "DRILL_EDITOR_RIGHT"], sys.argv[1])
