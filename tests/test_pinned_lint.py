"""quiz/lint.py pinned: TODO placeholders (Q026), ids that vanished since git main (Q016) and failing verifiers
(Q022), each as the exact line `quiz check` prints. Banks are small files in a tmp dir (a git repo where the case
needs history); the verifiers are tiny torch-free files beside a copy of verifiers/_kit.py, run in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from quiz import bank, lint, verify
from quiz.bankfile import parse_yaml
from quiz.errors import QuizError
from quiz.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
HEAD = "topic: demo\ntitle: {en: Demo, zh: 演示}\nquestions:\n"
SRC = "    sources: [{paper: P, where: W}]\n"


def question(qid: str, prompt: str = "Why?", extra: str = "", dash: str = "  - ") -> str:
    """Six lines (more with `extra`): id, type, difficulty, prompt, answer, [extra], sources; `dash` sets the column
    of every key (5 by default)."""
    text = (f"{dash}id: {qid}\n    type: flashcard\n    difficulty: 2\n    prompt: {{en: {prompt!r}, zh: 问}}\n"
            f"    answer: {{en: A., zh: 答。}}\n{extra}{SRC}")  # fmt: skip
    return text.replace("\n    ", "\n" + " " * len(dash))


def strs(problems) -> list[str]:
    return [str(p) for p in problems]


def load(dirs: list[Path], names: set[str] = frozenset(), expected: dict | None = None) -> bank.Bank:
    files, missing = bank.bank_files(dirs)
    b, problems = bank.validate_files(files, set(names), expected or {}, {})
    assert missing == [] and problems == [], strs(missing + problems)
    return b


# --- Q026: placeholders --------------------------------------------------------------------------------------


def test_placeholders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = ("topic: demo\ntitle: {en: TODO, zh: TODO 标题}\ndescription: TODO later\nquestions:\n"
            + question("demo.todo-mcq", "TODO: ask", "    tags: [ok, TODO]\n    explanation: {en: fine, zh: 好}\n")
            + question("demo.todo", "Why?", "    choices:\n      - {en: a, zh: TODO}\n      - {en: TODO, zh: b}\n")
            + question("demo.todos", "TODOS are fine, so are xTODO and todo")
            + question("demo.mytodo", "TODO1 is not", "    renamed_from: [TODO]\n")
            + "  - [not, a, question]\n  - {id: 5, prompt: TODO}\n"
            + "  - type: flashcard\n    id: demo.todo-2\n  - {id: demo.TODO}\n")  # fmt: skip
    Path("demo.yaml").write_text(text, encoding="utf-8")
    assert strs(lint.placeholders([Path("demo.yaml")])) == [
        "demo.yaml:2:9: Q026 topic demo: placeholder TODO left in title.en, title.zh",
        "demo.yaml:3:1: Q026 topic demo: placeholder TODO left in description",
        "demo.yaml:5:5: Q026 demo.todo-mcq: placeholder id; choose a real slug before it is merged (ids are stable forever)",
        "demo.yaml:8:14: Q026 demo.todo-mcq: placeholder TODO left in prompt.en",
        "demo.yaml:10:16: Q026 demo.todo-mcq: placeholder TODO left in tags[1]",
        "demo.yaml:13:5: Q026 demo.todo: placeholder id; choose a real slug before it is merged (ids are stable forever)",
        "demo.yaml:19:17: Q026 demo.todo: placeholder TODO left in choices[0].zh, choices[1].en",
        "demo.yaml:31:14: Q026 demo.mytodo: placeholder TODO left in prompt.en",
        "demo.yaml:33:20: Q026 demo.mytodo: placeholder TODO left in renamed_from[0]",
        "demo.yaml:36:13: Q026 <no id>: placeholder TODO left in prompt",
        "demo.yaml:38:5: Q026 demo.todo-2: placeholder id; choose a real slug before it is merged (ids are stable forever)",
    ]  # an id written in capitals is the loader's to refuse (Q020), never a placeholder here


def test_placeholders_in_odd_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {"a.yaml": "title: TODO\nquestions: none\n",  # no topic: the file name; questions not a list
             "b.yaml": "- TODO\n", "c.yaml": "topic: 5\ndescription: [x, {y: TODO}]\n", "d.yaml": "title: TODO\n\t x: [",
             "g.yaml": "topic: gee\ndescription: TODO\n"}  # fmt: skip
    for name, text in files.items():
        Path(name).write_text(text, encoding="utf-8")
    Path("e.yaml").mkdir()
    found = lint.placeholders(["a.yaml", Path("e.yaml"), Path("f.yaml"), Path("b.yaml"), Path("c.yaml"), Path("d.yaml"),
                               Path("g.yaml")])  # fmt: skip
    assert strs(found) == ["a.yaml:1:1: Q026 topic a: placeholder TODO left in title",
                           "c.yaml:2:19: Q026 topic c: placeholder TODO left in description[1].y",
                           "g.yaml:2:1: Q026 topic gee: placeholder TODO left in description"]  # fmt: skip


def test_positions_of_keys():
    data, _ = parse_yaml("\n\nx: 1\n", "t.yaml")
    assert lint._pos(data, "x") == (3, 1) and lint._pos(data, "y") == (3, 1)
    empty = bank.Map()
    empty.key_pos = {}
    assert lint._pos(empty, "y") == (1, 1)


# --- Q016: ids that vanished since main ------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    config = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *config, *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """tmp_path/repo, the working directory, with git history on `main` (nothing committed yet)."""
    root = tmp_path / "repo"
    (root / "questions").mkdir(parents=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    git(root, "init", "-q", "-b", "main")
    return root


def commit(root: Path, files: dict[str, str | bytes], branch: str | None = "work") -> None:
    """Commit `files` on the current branch, then (with `branch`) switch to a new branch for the working copy."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "x")
    if branch:
        git(root, "checkout", "-q", "-b", branch)


MAIN = HEAD + question("demo.one", "Why scale?") + question("demo.two", "Why norm?") + question(
    "demo.three", "Why three?") + question("demo.kept")  # fmt: skip


def test_each_way_a_vanished_id_is_reported(repo):
    commit(repo, {"questions/demo.yaml": MAIN, "questions/gone.yaml": HEAD.replace("demo", "gone") + question("gone.one"),
                  "questions/_draft.yaml": HEAD + question("demo.draft"), "questions/notes.txt": "x"})  # fmt: skip
    (repo / "questions" / "gone.yaml").unlink()
    (repo / "questions" / "_draft.yaml").unlink()
    now = HEAD + question("demo.uno", "Uno?", "    renamed_from: demo.onee\n", dash="  -   ") + question(
        "demo.deux", "why NORM") + question("demo.trois", "Trois?") + question("demo.kept")  # fmt: skip
    (repo / "questions" / "demo.yaml").write_text(now, encoding="utf-8")
    b = load([Path("questions")])
    assert strs(lint.vanished_ids(b, [Path("questions")])) == [
        "questions/demo.yaml:4:7: Q016 demo.uno: renamed_from lists 'demo.onee', which is not on main; did you mean "
        "'demo.one' (questions/demo.yaml:4 on main)?",
        "questions/demo.yaml:11:5: Q016 demo.deux: has the prompt of demo.two (questions/demo.yaml:10 on main), which is "
        "gone: add `renamed_from: demo.two` so progress on it follows the question",
        "questions/demo.yaml:17:5: Q016 demo.trois: sits where demo.three was (questions/demo.yaml:16 on main), which is "
        "gone: add `renamed_from: demo.three` so progress on it follows the question",
        "questions/gone.yaml:1:1: Q016 question gone.one (questions/gone.yaml:4 on main) is gone; ids are stable forever: "
        "restore it, or list it in renamed_from of the question that replaces it",
    ]
    assert lint.lint(b, [Path("questions")]) == sorted(lint.vanished_ids(b, [Path("questions")]))


def test_a_successor_is_claimed_once_and_listed_renames_are_fine(repo):
    main = HEAD + question("demo.a", "A?") + question("demo.b", "B?") + question("demo.c", "C?") + question("demo.d")
    commit(repo, {"questions/demo.yaml": main})
    now = HEAD + question("demo.x", "X?", "    renamed_from: [demo.zzz, demo.d]\n") + question(
        "demo.c", "C?") + question("demo.y", "C?")  # fmt: skip
    (repo / "questions" / "demo.yaml").write_text(now, encoding="utf-8")
    b = load([Path("questions")])
    # demo.a sits where demo.x is now (demo.zzz is too unlike demo.a); demo.b's place holds demo.c, on main too
    assert strs(lint.vanished_ids(b, [Path("questions")])) == [
        "questions/demo.yaml:4:5: Q016 demo.x: sits where demo.a was (questions/demo.yaml:4 on main), which is gone: add "
        "`renamed_from: demo.a` so progress on it follows the question",
        "questions/demo.yaml:1:1: Q016 question demo.b (questions/demo.yaml:10 on main) is gone; ids are stable forever: "
        "restore it, or list it in renamed_from of the question that replaces it",
    ]


def test_a_renamed_from_must_be_close_to_the_old_id(repo):
    commit(repo, {"questions/demo.yaml": HEAD + question("demo.alpha", "A?") + question("demo.beta", "B?")})
    for typo, expected in (("demo.alpah", "4:5: Q016 demo.new: renamed_from lists 'demo.alpah'"),
                           ("demo.aXXXXa", "1:1: Q016 question demo.alpha")):  # fmt: skip
        now = HEAD + question("demo.beta", "B?") + question("demo.new", "N?", f"    renamed_from: {typo}\n")
        (repo / "questions" / "demo.yaml").write_text(now, encoding="utf-8")
        [p] = lint.vanished_ids(load([Path("questions")]), [Path("questions")])
        assert str(p).startswith("questions/demo.yaml:" + expected.replace("4:5", "10:5")), str(p)


def test_the_old_prompt_must_be_there_to_match(repo):
    commit(repo, {"questions/demo.yaml": HEAD + question("demo.a", "") + question("demo.b", "B?")})
    now = HEAD + question("demo.b", "B?") + question("demo.c", "C?") + question("demo.d", "?!")
    (repo / "questions" / "demo.yaml").write_text(now, encoding="utf-8")
    # demo.a had an empty prompt: never matched on it; its place (first) now holds demo.b, which is on main
    assert strs(lint.vanished_ids(load([Path("questions")]), [Path("questions")])) == [
        "questions/demo.yaml:1:1: Q016 question demo.a (questions/demo.yaml:4 on main) is gone; ids are stable forever: "
        "restore it, or list it in renamed_from of the question that replaces it"]  # fmt: skip


def test_refs_that_are_compared(repo):
    commit(repo, {"questions/demo.yaml": HEAD + question("demo.one", "One?")}, branch=None)
    first = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"questions/demo.yaml": HEAD + question("demo.three", "Three?")}, branch=None)
    git(repo, "branch", "-m", "main", "trunk")
    (repo / "questions" / "demo.yaml").write_text(HEAD + question("demo.two", "Two?"), encoding="utf-8")
    b, dirs = load([Path("questions")]), [Path("questions")]
    assert lint.vanished_ids(b, dirs) == []  # no main, no origin/main: nothing to compare
    [p] = lint.vanished_ids(b, dirs, ref="trunk")
    assert p.message.startswith("demo.two: sits where demo.three was (questions/demo.yaml:4 on trunk)")
    with pytest.raises(QuizError) as err:
        lint.vanished_ids(b, dirs, ref="main")
    assert str(err.value) == f"--against main: no such git ref in {repo.resolve()}; try `git branch -a` for the names"
    git(repo, "update-ref", "refs/remotes/origin/main", first)
    [p] = lint.vanished_ids(b, dirs)
    assert p.message.startswith("demo.two: sits where demo.one was (questions/demo.yaml:4 on origin/main)")
    git(repo, "branch", "main", "trunk")
    [p] = lint.vanished_ids(b, dirs)  # main first
    assert p.message.startswith("demo.two: sits where demo.three was (questions/demo.yaml:4 on main)")
    [p] = lint.vanished_ids(b, dirs, ref="origin/main")
    assert p.message.startswith("demo.two: sits where demo.one was (questions/demo.yaml:4 on origin/main)")
    assert lint.lint(b, dirs, ref="origin/main") == [p]
    with pytest.raises(QuizError, match=r"^--against main\.\.trunk: no such git ref in "):
        lint.vanished_ids(b, dirs, ref="main..trunk")  # a range is not one commit


def test_outside_git(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "demo.yaml").write_text(HEAD + question("demo.one"), encoding="utf-8")
    b = load([Path("q")])
    assert lint.old_questions(Path("q")) is None and lint.old_questions(Path("missing")) is None
    assert lint.vanished_ids(b, [Path("q"), Path("missing")]) == []
    with pytest.raises(QuizError) as err:
        lint.vanished_ids(b, [Path("q")], ref="main")
    assert str(err.value) == "--against main: no bank directory is in a git checkout, so there is nothing to compare"
    assert lint.lint(b, [Path("q")]) == []


def test_old_questions(repo):
    bad_utf8 = (HEAD + question("demo.one")).encode().replace(b"Why?", b"Why\xff?")
    commit(repo, {
        "questions/demo.yaml": bad_utf8, "questions/list.yaml": "- a\n", "questions/none.yaml": "topic: none\n",
        "questions/odd.yaml": "questions:\n  - just text\n  - {id: 5}\n  - {id: odd.x}\n  - type: x\n    id: odd.y\n",
        "questions/broken.yaml": "[",
        "questions/_draft.yaml": HEAD + question("demo.draft"), "top.yaml": HEAD + question("top.one"),
    }, branch=None)  # fmt: skip
    olds = lint.old_questions(Path("questions"))
    assert [(o.id, o.path, o.line, o.ref) for o in olds] == [
        ("demo.one", repo.resolve() / "questions" / "demo.yaml", 4, "main"),
        ("odd.x", repo.resolve() / "questions" / "odd.yaml", 4, "main"),
        ("odd.y", repo.resolve() / "questions" / "odd.yaml", 6, "main")]  # fmt: skip
    assert olds[0].raw["prompt"] == {"en": "Why\ufffd?", "zh": "问"}
    assert [(o.id, o.path.name) for o in lint.old_questions(repo)] == [("top.one", "top.yaml")]  # the repo's top
    (repo / "new").mkdir()
    assert lint.old_questions(repo / "new") == []  # not on main
    assert lint.old_questions(Path("questions"), ref="main") == olds


def test_a_bank_dir_outside_the_work_tree_git_names(repo, tmp_path, monkeypatch):
    commit(repo, {"questions/demo.yaml": HEAD + question("demo.one")}, branch=None)
    (tmp_path / "other").mkdir()
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(repo))
    assert lint.old_questions(tmp_path / "other") == []


def test_git_failures_are_none(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert lint._git(tmp_path, "rev-parse", "--show-toplevel") is None
    assert lint._git(tmp_path, "--version").startswith("git version ")
    monkeypatch.setenv("PATH", str(tmp_path))  # no git at all
    assert lint._git(tmp_path, "--version") is None and not lint._has_ref(tmp_path, "main")


def test_the_file_order_and_id_columns(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(HEAD + question("demo.one") + "  - text\n" + question("demo.two", dash="  -  "), encoding="utf-8")
    assert lint._file_order(path) == ["demo.one", "demo.two"]
    assert lint._file_order(tmp_path / "missing.yaml") == [] and lint._file_order(tmp_path) == []
    (tmp_path / "list.yaml").write_text("- a\n", encoding="utf-8")
    (tmp_path / "none.yaml").write_text("questions: 3\n", encoding="utf-8")
    assert lint._file_order(tmp_path / "list.yaml") == [] == lint._file_order(tmp_path / "none.yaml")
    b = bank.validate_files([path], set(), {}, {})[0]
    assert [lint._id_col(q) for q in b.questions] == [5, 6]
    ghost = bank.Question("demo.ghost", "demo", "flashcard", 2, bank.Text("p", "p"), None, path=str(path), line=4)
    assert lint._raw_question(ghost) is None and lint._id_col(ghost) == 1
    assert lint._id_col(bank.Question("demo.one", "demo", "flashcard", 2, bank.Text("p", "p"), None,
                                      path=str(tmp_path / "gone.yaml"))) == 1  # fmt: skip
    assert (lint._norm(None), lint._norm(" Why, Scale? "), lint._norm(64)) == ("", "whyscale", "64")


def test_the_raw_question_is_read_again_after_an_edit(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(HEAD + question("demo.one"), encoding="utf-8")
    [q] = load([tmp_path]).questions
    assert lint._id_col(q) == 5
    path.write_text(HEAD + question("demo.one", dash="  -    "), encoding="utf-8")
    os.utime(path, ns=(10**18, 10**18))
    assert lint._id_col(q) == 8
    for name, text in (("other.yaml", "x: 1\n"), ("list.yaml", "- a\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        other = bank.Question("demo.one", "demo", "flashcard", 2, bank.Text("p", "p"), None, path=str(tmp_path / name))
        assert lint._raw_question(other) is None
    (tmp_path / "dir.yaml").mkdir()
    other = bank.Question("demo.one", "demo", "flashcard", 2, bank.Text("p", "p"), None, path=str(tmp_path / "dir.yaml"))
    assert lint._raw_question(other) is None and lint._tree(None) is None


# --- Q022: failing verifiers -----------------------------------------------------------------------------------

VERIFIERS = {
    "good": "return [check('x', 1, 1, abs_tol=0)]",
    "bad": "return [check(n, 1, 2.5, abs_tol=0) for n in 'abcd']",
    "only_value_from": "return [check('v', 1, 2, abs_tol=0)]",
    "three_bad": "return [check(n, 1234567, 0.000123456789, abs_tol=0) for n in 'abc'] + [check('ok', 1, 1, abs_tol=0)]",
    "raises": "raise ValueError('no data')",
    "empty": "return []",
    "seeded": "return [check('s', 0, seed, abs_tol=0)]",
}


@pytest.fixture
def vdir(tmp_path, request):
    """A verifiers dir; each name gets a per-test prefix (loaded verifiers are cached per name in sys.modules)."""
    d = tmp_path / "verifiers"
    d.mkdir()
    shutil.copy(ROOT / "verifiers" / "_kit.py", d / "_kit.py")
    prefix = "pin_" + "".join(c for c in request.node.name.lower() if c.isalnum())[-20:] + "_"
    for name, body in VERIFIERS.items():
        (d / f"{prefix}{name}.py").write_text(f'"""Claim {name}."""\nfrom _kit import check\n\n\ndef run(seed=0):\n'
                                              f"    {body}\n", encoding="utf-8")  # fmt: skip
    return SimpleNamespace(dir=d, p=prefix)


def test_verifier_failures(tmp_path, monkeypatch, vdir):
    monkeypatch.chdir(tmp_path)
    p = vdir.p
    (tmp_path / "q").mkdir()
    numeric = ("    answer: {{value_from: {v}.x, tolerance: 0.1}}\n    prompt: {{en: N?, zh: 问}}\n"
               "  - id: demo.n{i}\n    type: numeric\n    difficulty: 2\n")  # fmt: skip
    uses = {"a": p + "bad", "b": p + "good", "c": p + "raises", "d": p + "empty", "e": p + "three_bad", "f": "elsewhere",
            "g": p + "bad"}  # fmt: skip
    text = HEAD + "".join(question(f"demo.{x}", extra=f"    verifier: {v}\n") for x, v in uses.items())
    text += "  - id: demo.n0\n    type: numeric\n    difficulty: 2\n" + numeric.format(v=f"{p}bad", i=1) \
        + numeric.format(v=f"{p}only_value_from.v", i=2) + "    answer: {value: 1, tolerance: 0.1}\n" \
        "    prompt: {en: N?, zh: 问}\n" + SRC  # fmt: skip
    text = text.replace("  - id: demo.n1", SRC + "  - id: demo.n1").replace("  - id: demo.n2", SRC + "  - id: demo.n2")
    (tmp_path / "q" / "demo.yaml").write_text(text, encoding="utf-8")
    names = {p + n for n in VERIFIERS} | {"elsewhere"}
    b = load([Path("q")], names, {f"{p}bad.x": 2.5, f"{p}only_value_from.v.x": 1.0})
    bad = "a expected 1, measured 2.5; b expected 1, measured 2.5; c expected 1, measured 2.5 (and 1 more)"
    three = "a expected 1.23457e+06, measured 0.000123457; b expected 1.23457e+06, measured 0.000123457; " \
            "c expected 1.23457e+06, measured 0.000123457"  # fmt: skip
    assert strs(lint.verifier_failures(b, vdir.dir)) == [
        f"q/demo.yaml:9:5: Q022 demo.a: verifier {p}bad fails: {bad}; run `quiz verify {p}bad`",
        f"q/demo.yaml:51:5: Q022 demo.g: verifier {p}bad fails: {bad}; run `quiz verify {p}bad`",
        f"q/demo.yaml:56:14: Q022 demo.n0: verifier {p}bad fails: {bad}; run `quiz verify {p}bad`",
        f"q/demo.yaml:30:5: Q022 demo.d: verifier {p}empty fails: it returns no checks; run `quiz verify {p}empty`",
        f"q/demo.yaml:62:14: Q022 demo.n1: verifier {p}only_value_from fails: v expected 1, measured 2; run `quiz verify "
        f"{p}only_value_from`",
        f"q/demo.yaml:23:5: Q022 demo.c: verifier {p}raises fails: ValueError: no data; run `quiz verify {p}raises`",
        f"q/demo.yaml:37:5: Q022 demo.e: verifier {p}three_bad fails: {three}; run `quiz verify {p}three_bad`",
    ]


def test_where_a_failing_verifier_is_reported_when_the_file_changed(tmp_path, monkeypatch, vdir):
    monkeypatch.chdir(tmp_path)
    p, path = vdir.p, tmp_path / "demo.yaml"
    plain = question("demo.a", extra=f"    verifier: {p}bad\n").replace("{en: A., zh: 答。}", "plain")
    path.write_text(HEAD + plain + question("demo.b"), encoding="utf-8")
    text = lambda q: bank.Text(q, q)  # noqa: E731
    questions = (bank.Question("demo.a", "demo", "numeric", 2, text("p"), None, verifier=f"{p}bad", path="demo.yaml",
                               line=4, numeric=bank.Numeric(1.0, f"{p}bad.x", None, 0.1, "")),
                 bank.Question("demo.b", "demo", "numeric", 2, text("p"), None, path="demo.yaml", line=11,
                               numeric=bank.Numeric(1.0, f"{p}bad.x", None, 0.1, "")),
                 bank.Question("demo.gone", "demo", "numeric", 2, text("p"), None, path="demo.yaml", line=7,
                               numeric=bank.Numeric(1.0, f"{p}bad.x", None, 0.1, "")))  # fmt: skip
    found = lint.verifier_failures(bank.Bank(questions), vdir.dir)
    # demo.a: its verifier key, and for value_from (its answer is no mapping now) the question; demo.b: its answer;
    # demo.gone is in no file: the line the bank had, column 1
    assert [(x.line, x.col, x.message.split(":")[0]) for x in found] == [
        (9, 5, "demo.a"), (4, 5, "demo.a"), (15, 13, "demo.b"), (7, 1, "demo.gone")]


def test_the_seed_reaches_the_verifier(tmp_path, monkeypatch, vdir):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo.yaml").write_text(HEAD + question("demo.s", extra=f"    verifier: {vdir.p}seeded\n"), encoding="utf-8")
    b = load([tmp_path], {vdir.p + "seeded"})
    assert lint.verifier_failures(b, vdir.dir) == []
    [p] = lint.verifier_failures(b, vdir.dir, seed=3)
    assert p.message == f"demo.s: verifier {vdir.p}seeded fails: s expected 0, measured 3; run `quiz verify {vdir.p}seeded`"


def test_lint_runs_the_verifiers_on_request(tmp_path, monkeypatch, vdir):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(verify, "VERIFIERS_DIR", vdir.dir)
    (tmp_path / "q").mkdir()
    text = HEAD + question("demo.todo-x", extra=f"    verifier: {vdir.p}empty\n") + question("demo.b", "TODO")
    (tmp_path / "q" / "demo.yaml").write_text(text, encoding="utf-8")
    b = load([Path("q")], {vdir.p + "empty"})
    placeholders = ["q/demo.yaml:4:5: Q026 demo.todo-x: placeholder id; choose a real slug before it is merged (ids are "
                    "stable forever)", "q/demo.yaml:14:14: Q026 demo.b: placeholder TODO left in prompt.en"]  # fmt: skip
    assert strs(lint.lint(b, [Path("q")])) == placeholders
    assert strs(lint.lint(b, [Path("q")], run_verifiers=True)) == [
        placeholders[0], f"q/demo.yaml:9:5: Q022 demo.todo-x: verifier {vdir.p}empty fails: it returns no checks; run "
        f"`quiz verify {vdir.p}empty`", placeholders[1]]  # fmt: skip


def test_lint_reports_failing_parametric_draws(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "q").mkdir()
    text = HEAD + question("demo.b", "TODO") + question("demo.a").replace("type: flashcard", "type: numeric").replace(
        "answer: {en: A., zh: 答。}", "params: {d_model: [512], n_heads: [0]}\n    answer: {compute: head_dim, "
        "tolerance: 0.1}")  # fmt: skip
    (tmp_path / "q" / "demo.yaml").write_text(text, encoding="utf-8")
    b, problems = bank.load([Path("q")])
    assert problems == []
    assert strs(lint.lint(b, [Path("q")])) == [
        "q/demo.yaml:7:14: Q026 demo.b: placeholder TODO left in prompt.en",
        "q/demo.yaml:10:1: Q034 demo.a: head_dim(d_model=512, n_heads=0) fails: ZeroDivisionError: division by zero; "
        "narrow the params"]  # fmt: skip


def test_run_verifier_reasons():
    def run(name, seed, directory):
        raise RuntimeError(f"cannot run {name} {seed} {directory}")

    assert lint._run_verifier(SimpleNamespace(run=run), "v", Path("d"), 4) == "RuntimeError: cannot run v 4 d"
    result = SimpleNamespace(error="cannot load: SyntaxError", checks=[])
    assert lint._run_verifier(SimpleNamespace(run=lambda *a, **k: result), "v", Path("d"), 0) == "cannot load: SyntaxError"


def test_problem_order_is_by_file_line_and_column():
    assert sorted([Problem("b", 1, 1, "Q026", "x"), Problem("a", 2, 1, "Q016", "y"), Problem("a", 1, 9, "Q022", "z")]) == [
        Problem("a", 1, 9, "Q022", "z"), Problem("a", 2, 1, "Q016", "y"), Problem("b", 1, 1, "Q026", "x")]  # fmt: skip


def test_one_successor_per_vanished_id_and_the_id_column_of_a_flow_mapping(repo):
    commit(repo, {"questions/demo.yaml": HEAD + question("demo.one", "Same?") + question("demo.two", "Same?")
                  + question("demo.three", "Three?")})  # fmt: skip
    flow = "  - {id: demo.new, type: flashcard, difficulty: 2, prompt: {en: same, zh: 问}, answer: {en: A., zh: 答}}\n"
    (repo / "questions" / "demo.yaml").write_text(HEAD + flow.replace("}}\n", f"}}, {SRC.strip()[:-1]}]}}\n"),
                                                  encoding="utf-8")  # fmt: skip
    (repo / "questions" / "other.yaml").write_text(HEAD.replace("demo", "other") + question("other.q", "Q?"),
                                                   encoding="utf-8")  # fmt: skip
    b = load([Path("questions")])
    gone = "is gone; ids are stable forever: restore it, or list it in renamed_from of the question that replaces it"
    # demo.new takes demo.one's prompt; demo.two's place (second) is past the end of the file now: nobody sits there
    assert strs(lint.vanished_ids(b, [Path("questions")])) == [
        "questions/demo.yaml:4:6: Q016 demo.new: has the prompt of demo.one (questions/demo.yaml:4 on main), which is "
        "gone: add `renamed_from: demo.one` so progress on it follows the question",
        f"questions/demo.yaml:1:1: Q016 question demo.two (questions/demo.yaml:10 on main) {gone}",
        f"questions/demo.yaml:1:1: Q016 question demo.three (questions/demo.yaml:16 on main) {gone}",
    ]


def test_a_renamed_from_three_quarters_like_the_old_id_is_its_typo(repo):
    commit(repo, {"questions/demo.yaml": HEAD + question("demo.one", "One?")})
    (repo / "questions" / "demo.yaml").write_text(HEAD + question("demo.x", "X?", "    renamed_from: demo.oxy\n"),
                                                  encoding="utf-8")  # fmt: skip
    [p] = lint.vanished_ids(load([Path("questions")]), [Path("questions")])
    assert p.message == ("demo.x: renamed_from lists 'demo.oxy', which is not on main; did you mean 'demo.one' "
                         "(questions/demo.yaml:4 on main)?")  # fmt: skip
