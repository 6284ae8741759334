"""Every parametric formula is proven: the verifier a card names calls the card's formula and fails when it is wrong.

For each card with `compute: <fn>` (quiz.params and every params_* module registered in COMPUTE, so formulas
added later are covered too), the card must name a verifier, and that verifier, run with <fn> made slightly
wrong (x1.05, or +1 for whole numbers), must fail a check. A verifier that never calls the formula, or compares
it only with itself, passes the wrong version and fails this test. The correct formula passes (seed 0).
"""

import importlib
import inspect
import pkgutil
import sys

import pytest
from helpers import made_five_percent_off

import quiz
from quiz import bank as bank_mod
from quiz import params, verify

BANK, _ = bank_mod.load()
CARDS: dict[tuple[str, str | None], list[str]] = {}
for _q in BANK.questions:
    if _q.numeric and _q.numeric.compute:
        CARDS.setdefault((_q.numeric.compute, _q.verifier), []).append(_q.id)
PAIRS = sorted(CARDS, key=str)


def formula_modules() -> list:
    """quiz.params and every quiz.params_* module (they register into params.COMPUTE)."""
    names = [m.name for m in pkgutil.iter_modules(quiz.__path__) if m.name.startswith("params_")]
    return [params] + [importlib.import_module(f"quiz.{n}") for n in names]


def slightly_wrong(fn):
    return made_five_percent_off(fn, whole=True)  # x1.05; a whole number stays whole and moves by >= 1


def patch_everywhere(fn, replacement, module) -> list:
    """Point every reference a verifier could use at `replacement`: the formula modules' attributes, the
    verifier's globals and the defaults of the verifier's functions. Returns undo records."""
    undo = []
    for mod in [*formula_modules(), module]:
        for name, value in list(vars(mod).items()):
            if value is fn:
                undo.append((setattr, mod, name, value))
                setattr(mod, name, replacement)
    for _, f in inspect.getmembers(module, inspect.isfunction):
        if f.__defaults__ and any(d is fn for d in f.__defaults__):
            undo.append((setattr, f, "__defaults__", f.__defaults__))
            f.__defaults__ = tuple(replacement if d is fn else d for d in f.__defaults__)
        if f.__kwdefaults__ and any(d is fn for d in f.__kwdefaults__.values()):
            undo.append((setattr, f, "__kwdefaults__", f.__kwdefaults__))
            f.__kwdefaults__ = {k: replacement if d is fn else d for k, d in f.__kwdefaults__.items()}
    return undo


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def calls(module, fn) -> int:
    """How many times running the verifier calls `fn` (profiled by code object)."""
    n = 0

    def profile(frame, event, arg):
        nonlocal n
        if event == "call" and frame.f_code is fn.__code__:
            n += 1

    sys.setprofile(profile)
    try:
        module.run(seed=0)
    finally:
        sys.setprofile(None)
    return n


@pytest.mark.parametrize("compute, verifier", PAIRS, ids=[f"{c}-{v}" for c, v in PAIRS])
def test_the_cards_verifier_calls_and_checks_the_formula(compute, verifier):
    cards = ", ".join(CARDS[(compute, verifier)])
    assert verifier, f"{cards}: compute: {compute} but no verifier proves it"
    fn = params.COMPUTE[compute]
    module = verify.load(verifier)
    assert calls(module, fn) > 0, f"{cards}: verifier {verifier} never calls {compute}"
    undo = patch_everywhere(fn, slightly_wrong(fn), module)
    try:
        try:
            checks = module.run(seed=0)
        except Exception as exc:  # a wrong formula that crashes the verifier is caught too
            checks = None
            assert not isinstance(exc, AssertionError), exc
    finally:
        for setter, obj, name, value in reversed(undo):
            setter(obj, name, value)
    if checks is not None:
        assert [c.name for c in checks if not c.passed], f"{cards}: {verifier} accepts a wrong {compute}"
    assert all(c.passed for c in module.run(seed=0))


UNUSED = sorted(set(params.COMPUTE) - {c for c, _ in CARDS})


@pytest.mark.parametrize("compute", UNUSED)
def test_formulas_no_card_uses_yet_are_proven_too(compute):
    """A registered formula without a card is still called and checked by some verifier (found by name)."""
    fn = params.COMPUTE[compute]
    users = [p.stem for p in sorted(verify.VERIFIERS_DIR.glob("*.py")) if compute in p.read_text(encoding="utf-8")]
    assert users, f"no verifier mentions {compute}"
    for name in users:
        module = verify.load(name)
        if calls(module, fn):
            undo = patch_everywhere(fn, slightly_wrong(fn), module)
            try:
                checks = module.run(seed=0)
            finally:
                for setter, obj, attr, value in reversed(undo):
                    setter(obj, attr, value)
            assert [c.name for c in checks if not c.passed], f"{name} accepts a wrong {compute}"
            return
    pytest.fail(f"{compute}: mentioned by {users} but never called")


def test_every_formula_in_params_py_is_registered():
    """params.py registers its formulas by name at the end of the file: a new one must be added there."""
    import ast
    import re

    tree = ast.parse(open(params.__file__, encoding="utf-8").read())
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
               and n.name != "register" and not re.match(r"x_.*__mutmut", n.name)}  # (mutmut's generated copies)
    assert defined and defined <= set(params.COMPUTE), sorted(defined - set(params.COMPUTE))
