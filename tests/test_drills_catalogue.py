"""Every drill, in-process (the sandbox is tested in test_drill_sandbox.py): the reference passes on seeds
0, 1, 2; every wrong_/cheat_ solution is rejected naming its FAILS check; the judge's inputs are
informative (they separate the common mistakes); the stub parses, defines the function and fails;
drill.yaml validates and has a hint for every check the judge reports.

Adding a drill directory adds its cases here automatically.
"""

from __future__ import annotations

import ast

import pytest

from quiz import drills

DRILLS = drills.names()
LOADED = {d.name: d for d in drills.load()[0]}
SOLUTIONS = [(name, stem) for name in DRILLS for stem in (LOADED[name].wrong if name in LOADED else ())]


def verdict(name: str, part: str, seed: int = 0) -> list:
    drill = LOADED[name]
    return drills.evaluate(drill, drill.file(part), seed=seed)


@pytest.mark.parametrize("name", DRILLS)
def test_drill_validates(name):
    drill, problems = drills.load_one(drills.drills_dir() / name)
    assert problems == []
    assert drill is not None and len(drill.hints) == 3


@pytest.mark.parametrize("name", DRILLS)
def test_reference_passes_on_three_seeds(name):
    for seed in (0, 1, 2):
        failed = [(c.name, c.note) for c in verdict(name, "reference", seed) if not c.passed]
        assert failed == [], f"seed {seed}"


@pytest.mark.parametrize("name,stem", SOLUTIONS)
def test_wrong_solution_is_rejected_naming_its_mistake(name, stem):
    drill = LOADED[name]
    fails = drills.wrong_fails(ast.parse(drill.file(stem).read_text(encoding="utf-8")))
    checks = verdict(name, stem)
    failed = [c.name for c in checks if not c.passed]
    assert failed, f"{stem} passed the judge"
    assert fails in failed, f"{stem}: FAILS={fails!r} but the failed checks are {failed}"
    for c in checks:  # feedback stays small: at most 20 lines, rows of at most 8 values
        example = getattr(c, "example", "")
        assert len(example.splitlines()) <= 20
        assert all(line.count(",") < 8 for line in example.splitlines() if line.strip().startswith("["))
    if stem.startswith("cheat_"):
        assert failed[0] == "no_banned_calls"
        first = next(c for c in checks if c.name == "no_banned_calls")
        assert any(b in first.note for b in drill.banned), first.note  # names the banned call


@pytest.mark.parametrize("name", DRILLS)
def test_inputs_are_informative(name):
    judge = drills.toolkit().sibling(str(LOADED[name].file("judge")), "judge")
    for seed in (0, 1):
        checks = judge.informative(seed)
        assert len(checks) >= 3
        assert [c.name for c in checks if not c.passed] == [], f"seed {seed}"


@pytest.mark.parametrize("name", DRILLS)
def test_stub_parses_and_fails(name):
    drill = LOADED[name]
    tree = ast.parse(drill.stub())
    assert drills.defines(tree, drill.function)
    checks = verdict(name, "stub")
    assert not all(c.passed for c in checks)
    assert any("NotImplementedError" in c.note for c in checks)


@pytest.mark.parametrize("name", DRILLS)
def test_every_check_has_a_bilingual_hint(name):
    drill = LOADED[name]
    names = {c.name for c in verdict(name, "reference")}
    missing = sorted(n for n in names if drill.hint_for(n) is None)
    assert missing == []


@pytest.mark.parametrize("name", DRILLS)
def test_at_least_four_wrong_solutions_and_a_cheat_when_something_is_banned(name):
    drill = LOADED[name]
    assert sum(s.startswith("wrong_") for s in drill.wrong) >= 4
    assert not drill.banned or any(s.startswith("cheat_") for s in drill.wrong)
