"""Pinned verifier runner (quiz/verify.py) found by mutation testing: broken verifiers, figures, result dicts,
the expected-value table."""

import json
import shutil

import pytest

from quiz import verify


@pytest.fixture
def vdir(tmp_path):
    d = tmp_path / "verifiers"
    d.mkdir()
    shutil.copy(verify.VERIFIERS_DIR / "_kit.py", d / "_kit.py")
    (d / "good.py").write_text('"""Two is two.\n\nMore text."""\nfrom _kit import check\n\n\n'
                               "def run(seed=0):\n"
                               "    return [check('two', 2, 2, abs_tol=0), check('one', 1, 1.5, abs_tol=1)]\n\n\n"
                               "def figures(seed=0):\n    raise RuntimeError('no plot')\n")  # fmt: skip
    (d / "raises.py").write_text('"""Raises."""\n\n\ndef run(seed=0):\n    raise ValueError("bad " + str(seed))\n')
    (d / "noimport.py").write_text('"""Cannot import."""\nimport no_such_module_here\n')
    (d / "broken_syntax.py").write_text("def (:\n")
    (d / "Bad-Name.py").write_text("")
    yield d
    for name in ("good", "raises", "noimport"):
        import sys

        sys.modules.pop(f"_quiz_verifier_{name}", None)


def test_names_exists_claim_has_figures(vdir):
    assert verify.names(vdir) == ["broken_syntax", "good", "noimport", "raises"]
    assert verify.names(vdir / "missing") == []
    assert verify.exists("good", vdir) and not verify.exists("Bad-Name", vdir) and not verify.exists("nope", vdir)
    assert verify.claim("good", vdir) == "Two is two."
    assert verify.claim("broken_syntax", vdir) == ""
    with pytest.raises(verify.UnknownVerifier):
        verify.claim("nope", vdir)
    assert verify.has_figures("good", vdir) and not verify.has_figures("raises", vdir)
    assert not verify.has_figures("broken_syntax", vdir) and not verify.has_figures("nope", vdir)


def test_run_reports_instead_of_crashing(vdir):
    good = verify.run("good", seed=3, directory=vdir, figures=True)
    assert good.passed and good.error == "" and [c.name for c in good.checks] == ["two", "one"]
    assert good.figures == [] and good.figure_error == "RuntimeError: no plot" and 0 <= good.seconds < 5
    d = good.to_dict()
    assert d["passed"] is True and d["figure_error"] == "RuntimeError: no plot" and "error" not in d
    assert d["name"] == "good" and d["claim"] == "Two is two." and d["figures"] == []
    assert verify.run("good", directory=vdir).figure_error == ""  # figures are drawn only when asked for
    bad = verify.run("raises", seed=7, directory=vdir)
    assert not bad.passed and bad.error == "ValueError: bad 7" and bad.checks == []
    assert bad.to_dict()["error"] == "ValueError: bad 7" and "figure_error" not in bad.to_dict()
    dead = verify.run("noimport", directory=vdir)
    assert dead.error.startswith("cannot load: ModuleNotFoundError") and dead.claim == "Cannot import."
    assert (dead.checks, dead.seconds, dead.passed) == ([], 0.0, False)
    with pytest.raises(verify.UnknownVerifier):
        verify.run("nope", directory=vdir)
    assert not verify.Result("x", "c", [], 0.1).passed  # no checks is no proof


def test_expected_table_round_trip(vdir, tmp_path):
    results = [verify.run("good", directory=vdir), verify.run("raises", directory=vdir)]
    table = verify.expected_table(results)
    assert table == {"good.two": {"expected": 2.0, "tolerance": 0.0}, "good.one": {"expected": 1.0, "tolerance": 1.0}}
    path = tmp_path / "expected.json"
    verify.write_expected(results, path)
    assert json.loads(path.read_text()) == table and path.read_text().endswith("}\n")
    assert path.read_text().startswith('{\n "good.one"')  # sorted keys, indent 1
    assert verify.load_expected(path) == {"good.two": 2.0, "good.one": 1.0}
    path.write_text("[1, 2]")
    assert verify.load_expected(path) == {} and verify.load_expected(tmp_path / "missing.json") == {}


def test_figures_seed_load_cache_and_messages(vdir):
    (vdir / "figs.py").write_text('"""Draws."""\nfrom _kit import check\n\n\ndef run(seed=0):\n'
                                  "    return [check('a', 1, 1, abs_tol=0)]\n\n\n"
                                  "def figures(seed=0):\n    if seed:\n"
                                  "        raise ValueError(f'seed {seed}')\n    return []\n")
    (vdir / "nodoc.py").write_text("from _kit import check\n\n\ndef run(seed=0):\n    return []\n")
    try:
        assert verify.run("figs", seed=5, directory=vdir, figures=True).figure_error == "ValueError: seed 5"
        ok = verify.run("figs", seed=0, directory=vdir, figures=True)
        assert (ok.figure_error, ok.figures, ok.claim) == ("", [], "Draws.")
        assert verify.run("raises", directory=vdir, figures=True).figure_error == ""  # no figures() at all
        assert verify.claim("nodoc", vdir) == ""
        assert verify.load("figs", vdir) is verify.load("figs", vdir) is not None
        assert verify.run("noimport", directory=vdir).name == "noimport"
        with pytest.raises(verify.UnknownVerifier, match="^nope$"):
            verify.load("nope", vdir)
    finally:
        import sys

        for name in ("figs", "nodoc"):
            sys.modules.pop(f"_quiz_verifier_{name}", None)


def test_kit_comes_from_the_given_directory_ahead_of_any_other(tmp_path, monkeypatch):
    import sys

    verify.kit()  # imported, so that the test can take it out of sys.modules and monkeypatch puts it back
    mine, other = tmp_path / "mine", tmp_path / "other"
    for d in (mine, other):
        d.mkdir()
        (d / "_kit.py").write_text(f"WHO = {d.name!r}\n")
    monkeypatch.setattr(sys, "path", [str(other), *sys.path])
    monkeypatch.delitem(sys.modules, "_kit")
    assert verify.kit(mine).WHO == "mine" and sys.path[0] == str(mine)
    assert verify.kit(mine).WHO == "mine" and sys.path.count(str(mine)) == 1  # added once, not on every call


def test_load_makes_the_verifiers_own_kit_importable(vdir, monkeypatch):
    import sys
    from pathlib import Path

    verify.kit()
    monkeypatch.delitem(sys.modules, "_kit")
    monkeypatch.setattr(sys, "path", [p for p in sys.path if not (Path(p) / "_kit.py").is_file()])
    result = verify.run("good", directory=vdir)
    assert result.passed and result.claim == "Two is two."
    assert sys.modules["_kit"].__file__ == str(vdir / "_kit.py") and str(vdir) in sys.path


def test_default_seed_is_zero_and_unknown_names_are_named(vdir):
    import sys

    (vdir / "seeded.py").write_text('"""Seed."""\nfrom _kit import check\n\n\ndef run(seed=1):\n'
                                    "    return [check('seed', 0, seed, abs_tol=0)]\n")
    try:
        assert verify.run("seeded", directory=vdir).passed  # run() passes seed 0, not the verifier's own default
        assert not verify.run("seeded", seed=1, directory=vdir).passed
    finally:
        sys.modules.pop("_quiz_verifier_seeded", None)
    with pytest.raises(verify.UnknownVerifier, match="^nope$"):
        verify.claim("nope", vdir)


def test_an_error_never_reads_as_passed_even_with_checks():
    ok = verify.kit().check("a", 1, 1, abs_tol=0)
    assert verify.Result("x", "c", [ok], 0.1).to_dict()["passed"] is True
    broken = verify.Result("x", "c", [ok], 0.1, error="RuntimeError: late")
    assert not broken.passed and broken.to_dict()["passed"] is False and broken.to_dict()["error"] == "RuntimeError: late"
