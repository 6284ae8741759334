"""Problems found in question banks: stable codes, one line each, `path:line:col: CODE message`.

Codes never change meaning, so contributors, CI annotations and docs can rely on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BankError  # noqa: F401  (re-exported: raised with a list of Problems)

CODES: dict[str, str] = {
    "Q001": "duplicate question id (ids must be unique across all banks)",
    "Q002": "YAML syntax error",
    "Q003": "unknown key (a typo, or a key that belongs to another question type)",
    "Q004": "missing required field",
    "Q005": "wrong type for a field",
    "Q006": "mcq must have exactly one choice marked correct: true",
    "Q007": "numeric answer needs exactly one of value, value_from, compute",
    "Q008": "numeric answer without a positive tolerance",
    "Q009": "cloze prompt without a {{gap}}",
    "Q010": "unknown verifier (no verifiers/<name>.py)",
    "Q011": "value_from names a verifier check that does not exist",
    "Q012": "compute names an unregistered function, or params do not match its arguments",
    "Q013": "missing translation (en or zh empty)",
    "Q014": "missing source",
    "Q015": "answer repeats the prompt",
    "Q016": "id changed or vanished compared with git main without renamed_from",
    "Q017": "empty bank file",
    "Q018": "bank file must be a mapping with topic, title and questions",
    "Q019": "tab character used for indentation (YAML needs spaces)",
    "Q020": "bad id: use <topic>.<slug> with lowercase letters, digits and hyphens",
    "Q021": "topic does not match the file name",
    "Q022": "verifier fails",
    "Q023": "duplicate key in a mapping",
    "Q024": "invalid value",
    "Q025": "bank directory does not exist",
    "Q026": "placeholder TODO left in a question (written by `quiz new`)",
    "Q027": "terminal control character in bank text (ESC, other C0 controls except tab and newline, DEL, C1)",
    "Q028": "bank file is not valid UTF-8",
    "Q029": "bank file cannot be read: not a regular file (FIFO, device, directory), a broken symlink or a symlink loop",
    "Q030": "bank file larger than 2 MiB",
    "Q031": "YAML aliases that expand the file by more than 10,000 nodes, or a recursive alias",
    "Q032": "YAML nested more than 50 levels deep",
    "Q033": "number that is NaN, infinite or too large for a float (value, tolerance, params)",
    "Q034": "parametric answer fails for some drawn parameters (division by zero, math domain, complex, overflow, "
            "not finite)",
    "Q035": "parametric answer takes longer than the time limit (2 s for all draws of a question)",
    "Q036": "cloze gap that cannot be answered (empty gap or alternative, nested or stray braces, gap over a line break)",
    "Q037": "tag that is not lowercase words joined by hyphens (no spaces)",
}

# Problems the loader refuses to study with; the rest are contributor lint from `quiz check`.
# Q034/Q035 come from `quiz check` drawing every parameter combination; studying a card whose compute
# fails stops with that one line instead (parametric.compute).
LINT_ONLY = {"Q013", "Q014", "Q015", "Q016", "Q022", "Q026", "Q034", "Q035"}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command: shows as an annotation on the PR's diff."""
        level = "warning" if self.code in {"Q013", "Q015"} else "error"
        msg = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{level} file={self.path},line={self.line},col={self.col},title={self.code}::{msg}"


