"""The shared judge toolkit for coding drills (see drills/README.md for the format).

A drill's `judge.py` has `run(impl, seed=0) -> list[Check]` and `informative(seed=0) -> list[Check]`,
built from the helpers here. Checks are the verifiers' `_kit.Check` (name, expected, measured,
tolerance, passed); a failed comparison also carries `example`: one small failing input with
expected vs got, at most 20 lines, for the learner.

The helpers never trust the learner's function: every call goes through `call()`, which clones the
inputs, catches anything it raises (SystemExit included) and checks that a tensor came back.
Banned calls are enforced twice: `Bans` wraps the banned torch callables so they raise while the
learner's function runs, and `scan()` names the line of every banned name in the source.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

_VERIFIERS = str(Path(__file__).resolve().parent.parent / "verifiers")
if _VERIFIERS not in sys.path:
    sys.path.insert(0, _VERIFIERS)  # so `_kit` (and verifiers, for reuse) import the way the verifiers do

import torch  # noqa: E402
from _kit import Check, check, check_at_least, check_at_most, check_true  # noqa: E402, F401  (re-exported)

MAX_EXAMPLE_LINES = 20
MAX_EXAMPLE_SIDE = 8  # a failing example is shown only if every dim is at most this


@dataclass(frozen=True)
class DrillCheck(Check):
    """A Check with a small failing example (input, expected, got) for feedback; "" when it passed."""

    example: str = ""


class BannedCall(RuntimeError):
    pass


class Failed(Exception):
    """The learner's function did not give a usable result; the message is one line for the learner."""


# --- calling the learner's function --------------------------------------------------------------


def clone(value):
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return type(value)(clone(v) for v in value)
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    return value


def call(impl: Callable, *args, **kwargs):
    """impl(*cloned args): a tensor, or Failed with one line saying what went wrong."""
    try:
        out = impl(*clone(args), **clone(kwargs))
    except BannedCall as exc:
        raise Failed(f"called a banned function: {exc}") from None
    except SystemExit as exc:
        raise Failed(f"called sys.exit({exc.code!r}) instead of returning") from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  (the learner's code may raise anything)
        raise Failed(f"raised {type(exc).__name__}: {first_line(str(exc))}") from None
    if not isinstance(out, torch.Tensor):
        raise Failed(f"returned {type(out).__name__}, expected a torch.Tensor")
    return out


def first_line(text: str, limit: int = 160) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def failed(name: str, note: str, example: str = "") -> DrillCheck:
    return DrillCheck(name, 1.0, 0.0, 0.0, False, note, "=", example)


def passed(name: str, note: str = "") -> DrillCheck:
    return DrillCheck(name, 1.0, 1.0, 0.0, True, note, "=")


# --- showing a failing example --------------------------------------------------------------------


def small(t) -> bool:
    """Small enough to show: the rows and columns shown (the last two dims) are at most 8 each."""
    return not isinstance(t, torch.Tensor) or all(s <= MAX_EXAMPLE_SIDE for s in t.shape[-2:])


def _slice(t: torch.Tensor, lead: tuple | None):
    """A tensor with more than 2 dims -> one 2-D slice (the one at `lead` when it fits, else the first)."""
    if t.dim() <= 2:
        return t, None
    k = t.dim() - 2
    if lead is None or len(lead) != k or any(i >= s for i, s in zip(lead, t.shape[:k], strict=True)):
        lead = (0,) * k
    return t[lead], lead


MAX_ROWS = 4  # rows shown per tensor in a failing example


def show(value, indent: str = "  ", lead: tuple | None = None, row: int = 0) -> list[str]:
    """A tensor (or scalar) as a few lines: shape and dtype first, then up to MAX_ROWS rows (a window
    that contains `row`); for more than 2 dims only the 2-D slice at `lead` (default: the first)."""
    if not isinstance(value, torch.Tensor):
        return [f"{indent}{value!r}"]
    head = f"{indent}shape {tuple(value.shape)}, {str(value.dtype).removeprefix('torch.')}"
    part, at = _slice(value.detach(), lead)
    if at is not None:
        head += f"; slice [{', '.join(map(str, at))}]"
    if part.dim() == 0:
        return [head, f"{indent}{part.item():.6g}" if part.dtype.is_floating_point else f"{indent}{part.item()}"]
    rows = part.reshape(-1, part.shape[-1]) if part.dim() == 2 else part.reshape(1, -1)
    start = min(max(0, row - MAX_ROWS + 1), max(0, rows.shape[0] - MAX_ROWS))
    window = rows[start: start + MAX_ROWS]
    values = torch.round(window.double(), decimals=4).tolist() if part.dtype.is_floating_point else window.tolist()
    out = [head] + [f"{indent}{r}" for r in values]
    if rows.shape[0] > MAX_ROWS:
        out[0] += f"; rows {start}-{start + len(values) - 1} of {rows.shape[0]}"
    return out


def example_text(inputs: dict, expected, got, where: tuple | None = None) -> str:
    """expected / got, and as much of the input as fits in MAX_EXAMPLE_LINES lines (an input that does
    not fit shows its shape only). `where` is the index of the worst error: the 2-D slice and the rows
    around it are the ones shown."""
    lead, row = (tuple(where[:-2]), where[-2]) if where and len(where) >= 2 else (None, 0)
    tail = ["expected:"] + show(expected, lead=lead, row=row) + ["got:"] + show(got, lead=lead, row=row)
    spare = MAX_EXAMPLE_LINES - len(tail) - len(inputs) - 1  # "input:" and one line per input are reserved
    lines = ["input:"]
    for name, value in inputs.items():
        full = [f" {name}:"] + show(value, lead=lead, row=row)
        if isinstance(value, torch.Tensor) and small(value) and len(full) - 1 <= spare:
            lines += full
            spare -= len(full) - 1
        else:
            lines.append(f" {name}: " + (f"shape {tuple(value.shape)}, {str(value.dtype).removeprefix('torch.')}"
                                         if isinstance(value, torch.Tensor) else repr(value)))  # fmt: skip
    return "\n".join(lines + tail)


def worst_at(want: torch.Tensor, got) -> tuple | None:
    """Index of the largest error (to show that slice and row)."""
    if not isinstance(got, torch.Tensor) or got.shape != want.shape or want.dim() < 2:
        return None
    diff = (got.double() - want.double()).abs().nan_to_num(float("inf"))
    flat = int(diff.flatten().argmax())
    index = []
    for size in reversed(want.shape):
        index.append(flat % size)
        flat //= size
    return tuple(reversed(index))


# --- comparing with the reference -----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One input: positional arguments by name (so a failing example can label them) plus keyword ones."""

    args: dict
    kwargs: dict | None = None

    def call(self, fn: Callable):
        return call(fn, *self.args.values(), **(self.kwargs or {}))

    @property
    def size(self) -> int:
        return sum(v.numel() for v in self.args.values() if isinstance(v, torch.Tensor))

    def shown(self) -> dict:
        return {**self.args, **(self.kwargs or {})}


def compare(name: str, impl: Callable, reference: Callable, cases: Sequence[Case], *, atol: float = 1e-6,
            rtol: float = 1e-5, note: str = "") -> DrillCheck:  # fmt: skip
    """impl agrees with reference on every case (same shape, dtype and values). Measured: the worst
    absolute error; the example shown is the smallest case that failed."""
    worst, bad = 0.0, []
    for case in cases:
        want = case.call(reference)
        try:
            got = case.call(impl)
        except Failed as exc:
            bad.append((case, want, None, str(exc)))
            continue
        if got.shape != want.shape:
            bad.append((case, want, got, f"shape {tuple(got.shape)}, expected {tuple(want.shape)}"))
            continue
        if got.dtype != want.dtype:
            bad.append((case, want, got, f"dtype {got.dtype}, expected {want.dtype}"))
            continue
        diff = (got.double() - want.double()).abs()
        allowed = atol + rtol * want.double().abs()
        err = float(diff.max()) if diff.numel() else 0.0
        if not bool(torch.isfinite(got).all()) or bool((diff > allowed).any()) or err != err:
            bad.append((case, want, got, f"max abs error {err:.3g} (tolerance {atol:g} + {rtol:g}·|expected|)"))
            worst = max(worst, err if err == err else float("inf"))
        else:
            worst = max(worst, err)
    if not bad:
        return DrillCheck(name, 0.0, worst, atol, True, note)
    case, want, got, why = min(bad, key=lambda b: b[0].size)
    example = example_text(case.shown(), want, got if got is not None else why, worst_at(want, got)) if small(
        want) else ""  # fmt: skip
    measured = float("nan") if got is None else (worst or float("nan"))
    return DrillCheck(name, 0.0, measured, atol, False, f"{len(bad)}/{len(cases)} inputs wrong; {why}", "≈", example)


def same_shape_and_dtype(name: str, impl: Callable, cases: Sequence[tuple[Case, tuple, torch.dtype]]) -> DrillCheck:
    """Each case returns a tensor of the given shape and dtype."""
    for case, shape, dtype in cases:
        try:
            got = case.call(impl)
        except Failed as exc:
            return failed(name, str(exc))
        if tuple(got.shape) != tuple(shape) or got.dtype != dtype:
            return failed(name, f"returned shape {tuple(got.shape)} {got.dtype}; expected {tuple(shape)} {dtype}",
                          example_text(case.shown(), f"shape {tuple(shape)}, {dtype}", f"shape {tuple(got.shape)}, "
                                       f"{got.dtype}") if all(small(v) for v in case.args.values()) else "")  # fmt: skip
    return passed(name)


def inputs_unchanged(name: str, impl: Callable, case: Case) -> DrillCheck:
    """The function does not modify its tensor arguments in place."""
    originals = {k: v.detach().clone() for k, v in case.args.items() if isinstance(v, torch.Tensor)}
    live = {k: (v.detach().clone() if isinstance(v, torch.Tensor) else v) for k, v in case.args.items()}
    try:
        impl(*live.values(), **clone(case.kwargs or {}))
    except (BannedCall, SystemExit) as exc:
        return failed(name, f"could not run: {type(exc).__name__}: {first_line(str(exc))}")
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001
        return failed(name, f"raised {type(exc).__name__}: {first_line(str(exc))}")
    for k, before in originals.items():
        after = live[k]
        if after.shape != before.shape or not torch.equal(after, before):
            ex = example_text({k: before}, before, after) if small(before) else ""
            return failed(name, f"argument {k!r} was modified in place", ex)
    return passed(name)


def all_finite(name: str, impl: Callable, cases: Sequence[Case]) -> DrillCheck:
    """No inf or nan in the output for inputs that have a finite answer (e.g. logits of 1e4)."""
    for case in cases:
        try:
            got = case.call(impl)
        except Failed as exc:
            return failed(name, str(exc))
        if not bool(torch.isfinite(got).all()):
            ex = example_text(case.shown(), "all finite", got) if all(small(v) for v in case.args.values()) else ""
            return failed(name, f"{int((~torch.isfinite(got)).sum())} inf/nan values in the output", ex)
    return passed(name)


def sums_to_one(name: str, impl: Callable, cases: Sequence[tuple[Case, int]], *, atol: float = 1e-5,
                transform: Callable | None = None) -> DrillCheck:  # fmt: skip
    """Each output sums to 1 along the given dim (after `transform`, e.g. exp for log-probabilities)."""
    worst = 0.0
    for case, dim in cases:
        try:
            got = case.call(impl)
        except Failed as exc:
            return failed(name, str(exc))
        total = (transform(got) if transform else got).double().sum(dim)
        err = float((total - 1).abs().max()) if total.numel() else 0.0
        if not err <= atol:
            ex = example_text(case.shown(), f"sums along dim {dim} = 1", total) if all(
                small(v) for v in case.args.values()) else ""  # fmt: skip
            return DrillCheck(name, 1.0, float(1 + err) if err == err else float("nan"), atol, False,
                              f"sums along dim {dim} are off by up to {err:.3g}", "≈", ex)  # fmt: skip
        worst = max(worst, err)
    return DrillCheck(name, 1.0, 1.0 + worst, atol, True)


def unchanged_by(name: str, impl: Callable, case: Case, changed: Case, *, select: Callable | None = None,
                 atol: float = 1e-6, note: str = "") -> DrillCheck:  # fmt: skip
    """impl(case) and impl(changed) agree (on the part `select` picks): invariance, or no leak from the
    future when `changed` differs only after position t and `select` keeps positions up to t."""
    try:
        a, b = case.call(impl), changed.call(impl)
    except Failed as exc:
        return failed(name, str(exc))
    if a.shape != b.shape:
        return failed(name, f"output shape changed from {tuple(a.shape)} to {tuple(b.shape)}")
    if select is not None:
        a, b = select(a), select(b)
    diff = (a.double() - b.double()).abs()
    diff = torch.where(torch.isnan(a) & torch.isnan(b), torch.zeros_like(diff), diff)  # nan in both: unchanged
    err = float(diff.max()) if a.numel() else 0.0
    if err <= atol:
        return DrillCheck(name, 0.0, err, atol, True, note)
    ex = example_text(changed.shown(), a, b) if all(small(v) for v in changed.args.values()) else ""
    why = f"output moved by {err:.3g}" + (f" ({note})" if note else "")
    return DrillCheck(name, 0.0, err, atol, False, why, "≈", ex)


def holds(name: str, impl: Callable, cases: Sequence[Case], problem: Callable) -> DrillCheck:
    """A property of each output: `problem(out, case)` returns None when it holds, else a short message
    (shown with the smallest failing input)."""
    bad = []
    for case in cases:
        try:
            out = case.call(impl)
        except Failed as exc:
            return failed(name, str(exc))
        try:
            why = problem(out, case)
        except Exception as exc:  # noqa: BLE001  (an output of the wrong shape, say)
            why = f"{type(exc).__name__}: {first_line(str(exc))}"
        if why:
            bad.append((case, out, why))
    if not bad:
        return passed(name)
    case, out, why = min(bad, key=lambda b: b[0].size)
    ex = example_text(case.shown(), "(see the message above)", out) if all(small(v) for v in case.args.values()) else ""
    return failed(name, f"{len(bad)}/{len(cases)} inputs: {why}", ex)


# --- informative inputs ---------------------------------------------------------------------------


def differs(name: str, a: torch.Tensor, b: torch.Tensor, tol: float, note: str = "") -> Check:
    """The judge's inputs separate two computations: they differ by more than the tolerance."""
    return check_at_least(name, tol, float((a.double() - b.double()).abs().max()), note)


def not_one_hot(name: str, probs: torch.Tensor, dim: int = -1, bound: float = 0.99) -> Check:
    """No distribution along `dim` is (nearly) one-hot, so a missing scale or temperature shows."""
    return check_at_most(name, bound, float(probs.amax(dim).max()))


# --- bans -----------------------------------------------------------------------------------------


def resolve(path: str):
    """'torch.nn.functional.softmax' -> (owner object, attribute name)."""
    parts = path.split(".")
    owner = __import__(parts[0])
    for part in parts[1:-1]:
        owner = getattr(owner, part)
    return owner, parts[-1]


class Bans:
    """Context manager: every banned callable raises BannedCall while inside, and the call is recorded
    (even if the learner's code swallows the exception). Also replaces learner-module globals bound to a
    banned object, e.g. after `from torch.nn.functional import softmax as s`. Restores everything."""

    def __init__(self, banned: Sequence[str], namespaces: Sequence[dict] = ()):
        self.banned = list(banned)
        self.namespaces = list(namespaces)
        self.calls: list[str] = []
        self._undo: list[Callable[[], None]] = []

    def _blocker(self, path: str, original):
        def blocked(*args, **kwargs):
            self.calls.append(path)
            raise BannedCall(f"{path} is banned in this drill")

        blocked.__name__ = getattr(original, "__name__", path.rsplit(".", 1)[-1])
        return blocked

    def __enter__(self):
        originals = {}
        for path in self.banned:
            owner, attr = resolve(path)
            original = getattr(owner, attr)
            originals[id(original)] = path
            had = attr in vars(owner) if isinstance(owner, type) else True
            saved = vars(owner).get(attr) if isinstance(owner, type) else original
            setattr(owner, attr, self._blocker(path, original))
            self._undo.append(lambda o=owner, a=attr, s=saved, h=had: setattr(o, a, s) if h else delattr(o, a))
        for ns in self.namespaces:
            for key, value in list(ns.items()):
                if id(value) in originals:
                    ns[key] = self._blocker(originals[id(value)], value)
                    self._undo.append(lambda n=ns, k=key, v=value: n.__setitem__(k, v))
        return self

    def __exit__(self, *exc):
        while self._undo:
            self._undo.pop()()
        return False

    def wrap(self, impl: Callable) -> Callable:
        """impl, with the bans active for the duration of each call."""

        def guarded(*args, **kwargs):
            with self:
                return impl(*args, **kwargs)

        return guarded


def scan(source: str, banned: Sequence[str]) -> list[tuple[int, str]]:
    """(line, what) for every use of a banned name in the source: attribute access (`F.softmax`,
    `x.softmax`), an import (`from torch.nn.functional import softmax as s`) or a string naming it
    (`getattr(F, "softmax")`). Matching by the last name on purpose: aliases cannot hide a call."""
    names: dict[str, str] = {}
    for path in banned:
        names.setdefault(path.rsplit(".", 1)[-1], path)
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            found.append((node.lineno, f"{ast.unparse(node)} ({names[node.attr]})"))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in names:
                    found.append((node.lineno, f"from {node.module} import {alias.name} ({names[alias.name]})"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            found.append((node.lineno, f"{node.value!r} ({names[node.value]})"))
    return sorted(set(found))


def ban_checks(source: str | None, banned: Sequence[str], bans: Bans | None) -> list[DrillCheck]:
    """The `no_banned_calls` check: the static scan's first hit (with its line), else any banned call
    recorded at run time; [] when the drill bans nothing."""
    if not banned:
        return []
    hits = scan(source, banned) if source is not None else []
    if hits:
        line, what = hits[0]
        more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
        return [failed("no_banned_calls", f"line {line}: uses {what}{more}")]
    if bans is not None and bans.calls:
        return [failed("no_banned_calls", f"called {bans.calls[0]} while running")]
    return [passed("no_banned_calls")]


# --- one verdict ----------------------------------------------------------------------------------


def judge(run: Callable, impl: Callable, *, seed: int = 0, banned: Sequence[str] = (), source: str | None = None,
          namespace: dict | None = None) -> list[Check]:  # fmt: skip
    """Run a drill's judge on impl with the bans active: `no_banned_calls` first, then the judge's checks.
    A judge that itself crashes on the learner's output is reported as a failed `judge_ran` check."""
    bans = Bans(banned, [namespace] if namespace is not None else [])
    guarded = bans.wrap(impl) if banned else impl
    torch.manual_seed(seed)
    try:
        checks = list(run(guarded, seed=seed))
    except Failed as exc:
        checks = [failed("judge_ran", str(exc))]
    except Exception as exc:  # noqa: BLE001  (a judge tripping over strange output is still a verdict)
        checks = [failed("judge_ran", f"the judge could not use the output: {type(exc).__name__}: "
                                      f"{first_line(str(exc))}")]  # fmt: skip
    return ban_checks(source, banned, bans) + checks


def sibling(judge_file: str, name: str):
    """Load `<name>.py` from the judge's own drill directory (usually the reference) under a private
    module name, so drills with the same file names never collide in sys.modules."""
    import importlib.util

    path = Path(judge_file).resolve().parent / f"{name}.py"
    key = f"_quiz_drill_{path.parent.name}_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[key] = module
    return sys.modules[key]


def verifier_checks(name: str, seed: int = 0, keep: Callable[[str], bool] | None = None, **impls) -> list[Check]:
    """Reuse a verifier as part of a judge: run verifiers/<name>.py with the learner's implementation
    injected (adapt the signature with a lambda); its checks (those `keep` accepts) come back prefixed
    `<name>.`. Give the verifier's name a check_hints entry in drill.yaml."""
    import importlib.util

    key = f"_quiz_verifier_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, Path(_VERIFIERS) / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[key] = module
    checked = {k: (lambda *a, _f=f, **kw: call(_f, *a, **kw)) for k, f in impls.items()}
    try:
        checks = sys.modules[key].run(seed=seed, **checked)
    except Failed as exc:
        return [failed(f"{name}.runs", str(exc))]
    except Exception as exc:  # noqa: BLE001  (the verifier tripped over the learner's output)
        return [failed(f"{name}.runs", f"{type(exc).__name__}: {first_line(str(exc))}")]
    return [DrillCheck(f"{name}.{c.name}", c.expected, c.measured, c.tolerance, c.passed, c.note, c.relation)
            for c in checks if keep is None or keep(c.name)]


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def randn(g: torch.Generator, *shape: int, dtype=torch.float64, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=g, dtype=dtype) * scale
