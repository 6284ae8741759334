"""Find, load and run the registered verifiers in verifiers/.

The registry is the set of files `verifiers/<name>.py` (names not starting with
an underscore). Modules are loaded by path under a private name, so the
unrelated PyPI package called `verifiers` can never shadow ours or be shadowed.
torch is imported only when a verifier module is loaded.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from .paths import VERIFIERS_DIR

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
EXPECTED_FILE = VERIFIERS_DIR / "expected.json"


class UnknownVerifier(LookupError):
    pass


def names(directory: Path = VERIFIERS_DIR) -> list[str]:
    """Registered verifier names, sorted; reading the directory costs no import."""
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.py") if NAME.match(p.stem))


def exists(name: str, directory: Path = VERIFIERS_DIR) -> bool:
    return bool(NAME.match(name)) and (directory / f"{name}.py").is_file()


def kit(directory: Path = VERIFIERS_DIR) -> ModuleType:
    """The verifiers' shared `_kit` module (checks, result dicts, number formatting), made importable
    the way the verifiers themselves import it."""
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))  # so `from _kit import ...` resolves to ours
    import _kit

    return _kit


def load(name: str, directory: Path = VERIFIERS_DIR) -> ModuleType:
    if not exists(name, directory):
        raise UnknownVerifier(name)
    key = f"_quiz_verifier_{name}"
    if key in sys.modules:
        return sys.modules[key]
    kit(directory)
    spec = importlib.util.spec_from_file_location(key, directory / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[key]
        raise
    return module


@dataclass(frozen=True)
class Result:
    name: str
    claim: str
    checks: list  # list[_kit.Check]
    seconds: float
    error: str = ""  # set when the verifier raised instead of returning checks
    figures: list = field(default_factory=list)  # list[_kit.Figure], when asked for and the verifier has any
    figure_error: str = ""  # set when figures() raised: the checks still stand, the drawing is missing

    @property
    def passed(self) -> bool:
        return not self.error and bool(self.checks) and all(c.passed for c in self.checks)

    def to_dict(self) -> dict:
        d = kit().result_dict(self.name, self.claim, self.checks, self.seconds)
        d["passed"] = self.passed
        if self.error:
            d["error"] = self.error
        d["figures"] = [kit().figure_dict(f) for f in self.figures]
        if self.figure_error:
            d["figure_error"] = self.figure_error
        return d


def has_figures(name: str, directory: Path = VERIFIERS_DIR) -> bool:
    """Whether the verifier defines figures(), read from its source without importing it."""
    import ast

    try:
        tree = ast.parse((directory / f"{name}.py").read_bytes())  # decoded as Python decodes source: UTF-8
    except (OSError, SyntaxError, ValueError):
        return False
    return any(isinstance(n, ast.FunctionDef) and n.name == "figures" for n in tree.body)


def draw(module: ModuleType, seed: int) -> tuple[list, str]:
    """The verifier's figures (empty when it has none) and an error line when figures() raised."""
    make = getattr(module, "figures", None)
    if make is None:
        return [], ""
    try:
        return list(make(seed=seed)), ""
    except Exception as exc:
        return [], f"{type(exc).__name__}: {exc}"


def run(name: str, seed: int = 0, directory: Path = VERIFIERS_DIR, figures: bool = False) -> Result:
    try:
        module = load(name, directory)
    except UnknownVerifier:
        raise
    except Exception as exc:  # a verifier that does not even import is a failed proof, not a crash
        return Result(name, claim(name, directory), [], 0.0, f"cannot load: {type(exc).__name__}: {exc}")
    kit().single_thread()  # load() imported the kit (from `directory`) already

    start = time.perf_counter()
    try:
        checks = list(module.run(seed=seed))
        error = ""
    except Exception as exc:  # a broken verifier is a failed proof, reported, not a crash
        checks, error = [], f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    drawn, figure_error = draw(module, seed) if figures else ([], "")
    return Result(name, kit().claim_of(module), checks, seconds, error, drawn, figure_error)


def load_expected(path: Path = EXPECTED_FILE) -> dict[str, float]:
    """`verifier.check` -> expected value, as recorded by `quiz verify --update`.
    A missing or damaged file reads as empty: every value_from is then reported (Q011) with the fix."""
    try:
        return {k: float(v["expected"]) for k, v in json.loads(path.read_bytes()).items()}  # json reads UTF-8 bytes
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def expected_table(results: list[Result]) -> dict[str, dict]:
    return {
        f"{r.name}.{c.name}": {"expected": c.expected, "tolerance": c.tolerance}
        for r in sorted(results, key=lambda r: r.name)
        for c in r.checks
    }


def claim(name: str, directory: Path = VERIFIERS_DIR) -> str:
    """The verifier's claim from its docstring, read without importing it (no torch); "" if the file
    does not even parse (running it then reports the error)."""
    import ast

    if not exists(name, directory):
        raise UnknownVerifier(name)
    try:
        doc = ast.get_docstring(ast.parse((directory / f"{name}.py").read_bytes())) or ""
    except (SyntaxError, ValueError):
        return ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def write_expected(results: list[Result], path: Path = EXPECTED_FILE) -> None:
    text = json.dumps(expected_table(results), indent=1, sort_keys=True)  # ASCII: json escapes the rest
    path.write_bytes((text + "\n").encode())
