"""Every problem code, from a broken bank, at its exact file:line:col.

The table builds one small broken bank per row (in a tmp dir; a git repo with a `main`
branch where the row needs history) and asserts the complete list of problems found.
Also: `quiz new` scaffolds a question that only fails the TODO check until it is
filled in, and a scaffolded verifier runs and fails until its expected value is written.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers import BASE, ROOT, git, run_python

from quiz import lint, scaffold
from quiz.bank import TYPES, Bank, bank_files, load, validate_files
from quiz.cli_contrib import new
from quiz.errors import QuizError
from quiz.params import COMPUTE
from quiz.problems import CODES, LINT_ONLY, BankError

VERIFIERS = {"attention_scaling"}
VFROM = "attention_scaling.var_unscaled_d64"
EXPECTED = {VFROM: 64.0}

# BASE (tests/helpers.py): one flashcard; line 4: `  - id: demo.one` (the question's mapping and its id key
# start at column 5); line 7: prompt, line 8: answer, line 9: sources

MCQ = BASE.replace("type: flashcard", "type: mcq") + """\
    choices:
      - {en: Its variance grows with d_k, zh: 方差随 d_k 增大, correct: true}
      - {en: The sequence length, zh: 序列长度}
      - {en: The batch size, zh: 批大小}
"""
NUMERIC = BASE.replace("type: flashcard", "type: numeric").replace(
    '{en: "Variance.", zh: "方差。"}', "{value: 64, tolerance: 0.05, en: d_k = 64, zh: 等于 d_k}")
CLOZE = BASE.replace("type: flashcard", "type: cloze").replace(
    '{en: "Why scale?", zh: "为什么缩放？"}', '{en: "Divide by {{sqrt(d_k)}}", zh: "除以 {{sqrt(d_k)}}"}')


def add(text: str, *lines: str) -> str:
    return text + "".join(line + "\n" for line in lines)


@dataclass
class Case:
    files: dict[str, str | None]  # path -> text (None: a directory that does not exist)
    expected: list[tuple[str, str, int, int]]  # (code, path, line, col), the complete list
    how: str = "validate"  # validate | load | placeholders | vanished
    committed: dict[str, str] = field(default_factory=dict)  # on branch main, before `files`


def one(text: str, code: str, line: int, col: int) -> Case:
    """A bank `demo.yaml` with exactly one problem."""
    return Case({"demo.yaml": text}, [(code, "demo.yaml", line, col)])


CASES: dict[str, Case] = {
    "valid": Case({"demo.yaml": BASE}, []),
    "yaml-syntax-error": one(BASE.replace('"为什么缩放？"}', '"为什么缩放？"'), "Q002", 8, 5),
    "tab-indentation": one(BASE.replace("    type:", "  \t  type:"), "Q019", 5, 3),
    "duplicate-id-across-two-files": Case({"a/demo.yaml": BASE, "b/demo.yaml": BASE},
                                          [("Q001", "b/demo.yaml", 4, 5)]),
    "unknown-key": one(add(BASE, "    hint: think of variance"), "Q003", 10, 5),
    "key-of-another-type": one(add(BASE, "    params: {d_k: [64]}"), "Q003", 10, 5),
    "missing-difficulty": one(BASE.replace("    difficulty: 2\n", ""), "Q004", 4, 5),
    "wrong-type": one(BASE.replace("difficulty: 2", "difficulty: two"), "Q005", 6, 5),
    "mcq-zero-correct": one(MCQ.replace(", correct: true", ""), "Q006", 10, 5),
    "mcq-two-correct": one(MCQ.replace("zh: 序列长度}", "zh: 序列长度, correct: true}"), "Q006", 10, 5),
    "numeric-value-and-value-from": one(NUMERIC.replace("value: 64,", f"value: 64, value_from: {VFROM},"),
                                        "Q007", 8, 5),
    "compute-missing-param": one(NUMERIC.replace("value: 64", "compute: qk_std"), "Q012", 8, 14),
    "numeric-without-tolerance": one(NUMERIC.replace(" tolerance: 0.05,", ""), "Q008", 8, 5),
    "cloze-without-gap": one(CLOZE.replace('"除以 {{sqrt(d_k)}}"', '"除以根号 d_k"'), "Q009", 7, 5),
    "unknown-verifier": one(add(BASE, "    verifier: attention_scalin"), "Q010", 10, 5),
    "bad-value-from": one(NUMERIC.replace("value: 64", "value_from: attention_scaling.d64"), "Q011", 8, 14),
    "compute-unregistered": one(NUMERIC.replace("value: 64", "compute: nope"), "Q012", 8, 14),
    "missing-zh": one(BASE.replace(', zh: "为什么缩放？"', ""), "Q013", 7, 13),
    "missing-source": one(BASE.replace("    sources:", "    # sources:"), "Q014", 4, 5),
    "answer-repeats-prompt": one(BASE.replace('"Variance."', '"why  scale"'), "Q015", 8, 5),
    "empty-file": one("# nothing here yet\n", "Q017", 1, 1),
    "file-is-a-list": one("- id: demo.one\n- id: demo.two\n", "Q018", 1, 1),
    "bad-id": one(BASE.replace("id: demo.one", "id: demo.One_Thing"), "Q020", 4, 5),
    "id-of-another-topic": one(BASE.replace("id: demo.one", "id: norms.one"), "Q020", 4, 5),
    "topic-not-file-name": one(BASE.replace("demo", "other"), "Q021", 1, 1),
    "duplicate-key": one(add(BASE, "    difficulty: 3"), "Q023", 10, 5),
    "bad-difficulty": one(BASE.replace("difficulty: 2", "difficulty: 5"), "Q024", 6, 5),
    "missing-bank-dir": Case({"demo.yaml": BASE, "gone": None}, [("Q025", "gone", 1, 1)], how="load"),
    "todo-left": Case({"demo.yaml": BASE.replace('"Variance."', '"TODO: the answer"')},
                      [("Q026", "demo.yaml", 8, 14)], how="placeholders"),
    # ids on main must survive (Q016): the tmp dir is a git repo whose main holds `committed`.
    "id-renamed-without-renamed-from": Case(
        {"questions/demo.yaml": BASE.replace("demo.one", "demo.why-scale")},
        [("Q016", "questions/demo.yaml", 4, 5)], how="vanished", committed={"questions/demo.yaml": BASE}),
    "id-renamed-with-renamed-from": Case(
        {"questions/demo.yaml": add(BASE.replace("demo.one", "demo.why-scale"),
                                    "    renamed_from: demo.one")},
        [], how="vanished", committed={"questions/demo.yaml": BASE}),
    "renamed-from-typo": Case(
        {"questions/demo.yaml": add(BASE.replace("demo.one", "demo.why-scale").replace("Why scale?", "Why?"),
                                    "    renamed_from: demo.on")},
        [("Q016", "questions/demo.yaml", 4, 5)], how="vanished", committed={"questions/demo.yaml": BASE}),
    "id-and-prompt-changed-in-place": Case(
        {"questions/demo.yaml": BASE.replace("demo.one", "demo.why-scale").replace("Why scale?", "Why?")},
        [("Q016", "questions/demo.yaml", 4, 5)], how="vanished", committed={"questions/demo.yaml": BASE}),
    "question-deleted": Case(
        {"questions/demo.yaml": BASE.split("  - id:")[0] + "  []\n"},
        [("Q016", "questions/demo.yaml", 1, 1)], how="vanished", committed={"questions/demo.yaml": BASE}),
    "bank-file-deleted": Case(
        {"questions/other.yaml": BASE.replace("demo", "other")},
        [("Q016", "questions/demo.yaml", 1, 1)], how="vanished",
        committed={"questions/demo.yaml": BASE, "questions/other.yaml": BASE.replace("demo", "other")}),
}


def write(files: dict[str, str | None]) -> list[Path]:
    """Write the files under the working directory; return the bank directories, relative."""
    dirs: list[Path] = []
    for rel, text in files.items():
        path = Path(rel)
        if text is None:
            dirs.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if path.parent not in dirs:
            dirs.append(path.parent)
    return sorted(dirs, key=lambda d: str(d))


def problems_for(case: Case, root: Path, monkeypatch) -> list:
    """Build the case's bank in `root` (which becomes the working directory) and check it."""
    root.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(root)  # problems show paths relative to the working directory
    if case.committed:
        git(root, "init", "-q", "-b", "main")
        write(case.committed)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "bank on main")
        git(root, "checkout", "-q", "-b", "contributor")
        for rel in case.committed:
            if rel not in case.files:
                Path(rel).unlink()
    dirs = write(case.files)
    if case.how == "load":
        return load(dirs, strict=False)[1]
    files, problems = bank_files(dirs)
    bank, found = validate_files(files, VERIFIERS, EXPECTED, COMPUTE)
    problems += found
    if case.how == "placeholders":
        assert problems == [], "the loader sees nothing wrong with a TODO"
        return lint.placeholders(files)
    if case.how == "vanished":
        assert problems == []
        return lint.vanished_ids(bank, dirs)
    return problems


@pytest.mark.parametrize("name", list(CASES))
def test_problem_code_and_position(name, tmp_path, monkeypatch):
    case = CASES[name]
    found = problems_for(case, tmp_path, monkeypatch)
    assert [(p.code, p.path, p.line, p.col) for p in sorted(found)] == case.expected, [str(p) for p in found]
    for p in found:
        assert p.message and "\n" not in p.message
        assert str(p).startswith(f"{p.path}:{p.line}:{p.col}: {p.code} ")


def test_at_least_sixteen_kinds_of_broken_bank():
    assert sum(bool(c.expected) for c in CASES.values()) >= 16


def test_every_code_is_exercised():
    """Each code in CODES has a row in the table, except Q022 (a failing verifier), tested below, and the
    codes for hostile banks (Q027..Q037), whose rows run through the CLI in test_hostile_banks.py."""
    from test_hostile_banks import ROWS  # pytest puts tests/ on sys.path

    hostile = {line.split(": ")[1].split()[0] for row in ROWS.values()
               for line in ([row.line] if isinstance(row.line, str) else row.line)}  # fmt: skip
    exercised = {code for case in CASES.values() for code, *_ in case.expected} | {"Q022"} | hostile
    assert exercised == set(CODES)


def test_messages_say_what_to_do(tmp_path, monkeypatch):
    (p,) = problems_for(CASES["unknown-verifier"], tmp_path / "a", monkeypatch)
    assert "did you mean 'attention_scaling'" in p.message
    (p,) = problems_for(CASES["duplicate-id-across-two-files"], tmp_path / "b", monkeypatch)
    assert "a/demo.yaml:4" in p.message
    (p,) = problems_for(CASES["id-renamed-without-renamed-from"], tmp_path / "c", monkeypatch)
    assert "renamed_from: demo.one" in p.message
    (p,) = problems_for(CASES["renamed-from-typo"], tmp_path / "d", monkeypatch)
    assert "did you mean 'demo.one'" in p.message
    (p,) = problems_for(CASES["question-deleted"], tmp_path / "e", monkeypatch)
    assert "demo.one" in p.message and "questions/demo.yaml:4" in p.message


def test_strict_load_raises_on_fatal_problems_only(tmp_path):
    (tmp_path / "demo.yaml").write_text(BASE.replace("    sources:", "    # sources:"), encoding="utf-8")
    bank, problems = load([tmp_path])  # Q014 is lint: the bank is still usable
    assert [p.code for p in problems] == ["Q014"] and "Q014" in LINT_ONLY
    (tmp_path / "demo.yaml").write_text(BASE.replace("difficulty: 2", "difficulty: two"), encoding="utf-8")
    with pytest.raises(BankError) as err:
        load([tmp_path])
    assert [p.code for p in err.value.problems] == ["Q005"]


# --- Q016 outside git -------------------------------------------------------------------------


def test_vanished_ids_skip_outside_git_and_without_the_ref(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank_dir = tmp_path / "questions"
    write({"questions/demo.yaml": BASE})
    bank, _ = validate_files([bank_dir / "demo.yaml"], VERIFIERS, EXPECTED, COMPUTE)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # not inside some outer repo
    assert lint.vanished_ids(Bank(()), [bank_dir]) == []  # not a git repo
    git(tmp_path, "init", "-q", "-b", "trunk")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "x")
    assert lint.vanished_ids(Bank(()), [bank_dir]) == []  # no branch main
    assert len(lint.vanished_ids(Bank(()), [bank_dir], ref="trunk")) == 1  # a given ref works
    with pytest.raises(QuizError, match="--against no-such-ref: no such git ref"):  # named, so never skipped
        lint.vanished_ids(bank, [bank_dir], ref="no-such-ref")
    assert lint.lint(bank, [bank_dir], ref="trunk") == []


# --- quiz new -------------------------------------------------------------------------------------


@click.group()
def group() -> None:
    """A stand-in for the quiz group."""


group.add_command(new)


def run_new(*args: str, input: str | None = None):
    return CliRunner().invoke(group, ["new", *args], input=input)


def bank_problems(bank_dir: Path) -> tuple[list, list]:
    """(loader problems, lint problems) for one bank directory."""
    files, _ = bank_files([bank_dir])
    bank, problems = validate_files(files, VERIFIERS, EXPECTED, COMPUTE)
    return problems, lint.lint(bank, [bank_dir])


def fill(text: str) -> str:
    return text.replace("TODO", "Filled").replace(".todo-", ".filled-")


@pytest.mark.parametrize("qtype", TYPES)
def test_new_question_fails_only_on_todos_until_filled(qtype, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_new("--topic", "demo", "--type", qtype, "--bank-dir", "q")
    assert result.exit_code == 0, result.output
    assert f"q/demo.yaml:5: added demo.todo-{qtype} ({qtype}); new topic" in result.output
    text = (tmp_path / "q" / "demo.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema.json\ntopic: demo\n")
    assert text.splitlines()[4].startswith(f"  - id: demo.todo-{qtype}")

    loader, linted = bank_problems(tmp_path / "q")
    assert loader == []
    assert linted and {p.code for p in linted} == {"Q026"}
    assert {p.line for p in linted} >= {3, 5}  # the title and the placeholder id at least

    (tmp_path / "q" / "demo.yaml").write_text(fill(text), encoding="utf-8")
    assert bank_problems(tmp_path / "q") == ([], [])


def test_new_appends_keeping_the_file_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q").mkdir()
    original = BASE.replace("questions:", "questions:   # keep me") + "    # a trailing comment\n"
    (tmp_path / "q" / "demo.yaml").write_text(original, encoding="utf-8")
    result = run_new("--topic", "demo", "--type", "mcq", "--id", "why-scale", "--bank-dir", "q")
    assert result.exit_code == 0, result.output
    assert "q/demo.yaml:12: added demo.why-scale (mcq)" in result.output
    text = (tmp_path / "q" / "demo.yaml").read_text(encoding="utf-8")
    assert text.startswith(original + "\n  - id: demo.why-scale ")
    # the same slug again: ids are never reused
    again = run_new("--topic", "demo", "--type", "mcq", "--id", "why-scale", "--bank-dir", "q")
    assert again.exit_code == 1
    assert "demo.why-scale is taken" in again.output and "--id why-scale-2" in again.output
    (tmp_path / "q" / "demo.yaml").write_text(fill(text), encoding="utf-8")
    assert bank_problems(tmp_path / "q") == ([], [])


def test_append_before_a_following_key_and_at_column_zero(tmp_path):
    path = tmp_path / "demo.yaml"
    items = "questions:\n- id: demo.one   # items at column 0\n  type: flashcard\n  # a note on demo.one\n"
    path.write_text(f"topic: demo\n{items}\n# about the description\ndescription: last\n", encoding="utf-8")
    line = scaffold.append_question(path, scaffold.question_template("demo.two", "flashcard"))
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[line - 1].startswith("- id: demo.two ")
    assert text.startswith(f"topic: demo\n{items}\n- id: demo.two ")
    assert text.endswith("\n\n# about the description\ndescription: last\n")
    assert "\n  type: flashcard\n  difficulty: 2" in text  # the block was re-indented to column 0


def test_append_to_an_empty_list(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text("topic: demo\ntitle: {en: Demo, zh: 演示}\nquestions: []\n", encoding="utf-8")
    line = scaffold.append_question(path, scaffold.question_template("demo.one", "cloze"))
    assert line == 4
    head = "topic: demo\ntitle: {en: Demo, zh: 演示}\nquestions:\n  - id: demo.one "
    assert path.read_text(encoding="utf-8").startswith(head)


def test_next_id_never_reuses_an_id_or_a_renamed_one(tmp_path):
    (tmp_path / "demo.yaml").write_text(add(BASE, "    renamed_from: demo.why-scale"), encoding="utf-8")
    bank, _ = validate_files([tmp_path / "demo.yaml"], VERIFIERS, EXPECTED, COMPUTE)
    assert scaffold.next_id(bank, "demo", "one") == "demo.one-2"
    assert scaffold.next_id(bank, "demo", "Why scale?") == "demo.why-scale-2"
    assert scaffold.next_id(bank, "demo", "demo.Softmax Saturation") == "demo.softmax-saturation"
    assert scaffold.next_id(bank, "other", "") == "other.question"


def test_new_needs_topic_and_type_without_a_terminal(tmp_path):
    result = run_new("--bank-dir", str(tmp_path))
    assert result.exit_code == 2 and "missing --topic" in result.output
    result = run_new("--topic", "demo", "--bank-dir", str(tmp_path))
    assert result.exit_code == 2 and "missing --type" in result.output
    assert list(tmp_path.iterdir()) == []


def test_new_prompts_at_a_terminal(tmp_path, monkeypatch):
    import quiz.cli_contrib

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(quiz.cli_contrib, "_interactive", lambda: True)
    result = run_new("--bank-dir", "q", input="demo\nnumeric\nvar-d64\n")
    assert result.exit_code == 0, result.output
    assert "q/demo.yaml:5: added demo.var-d64 (numeric)" in result.output


# --- verifiers ---------------------------------------------------------------------------------------


def test_new_verifier_runs_and_fails_until_filled_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    vdir = tmp_path / "verifiers"
    vdir.mkdir()
    shutil.copy(ROOT / "verifiers" / "_kit.py", vdir / "_kit.py")
    result = run_new("--topic", "demo", "--type", "flashcard", "--id", "norm", "--verifier", "row_norm",
                     "--claim", "E|x|^2 = d for a standard normal x in d dimensions.",
                     "--bank-dir", "q", "--verifier-dir", "verifiers")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "verifiers/row_norm.py:1: added verifier row_norm" in result.output
    assert "    verifier: row_norm" in (tmp_path / "q" / "demo.yaml").read_text(encoding="utf-8")

    source = (vdir / "row_norm.py").read_text(encoding="utf-8")
    assert source.startswith('"""E|x|^2 = d for a standard normal x in d dimensions.\n')
    done = run_python(["verifiers/row_norm.py"])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL" in done.stdout

    # Q022: the question that relies on it is reported at its `verifier:` line.
    files, _ = bank_files([tmp_path / "q"])
    bank, loader = validate_files(files, {"row_norm"}, {}, COMPUTE)
    assert loader == []
    (p,) = lint.verifier_failures(bank, directory=vdir)
    assert (p.code, p.path, p.line, p.col) == ("Q022", "q/demo.yaml", 16, 5)
    assert "todo_name_this_check" in p.message

    (vdir / "row_norm.py").write_text(source.replace("expected = TODO", "expected = d"), encoding="utf-8")
    done = run_python(["verifiers/row_norm.py"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_new_verifier_refuses_to_overwrite(tmp_path):
    (tmp_path / "attention_scaling.py").write_text("# mine\n", encoding="utf-8")
    result = run_new("--verifier", "attention_scaling", "--verifier-dir", str(tmp_path))
    assert result.exit_code == 1 and "already exists" in result.output
    assert (tmp_path / "attention_scaling.py").read_text(encoding="utf-8") == "# mine\n"
    assert run_new("--verifier", "Bad-Name", "--verifier-dir", str(tmp_path)).exit_code == 2


def test_verifier_template_compiles_for_awkward_claims():
    for claim in ('He said """hi"""', 'ends with a quote"', "back\\slash", ""):
        compile(scaffold.verifier_template("v", claim), "v.py", "exec")


# --- docs ------------------------------------------------------------------------------------------------


def test_contributing_lists_every_code():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").replace("&lt;", "<").replace("&gt;", ">")
    missing = [code for code, meaning in CODES.items() if f"| {code} | {meaning} |" not in text]
    assert not missing, f"CONTRIBUTING.md's table of codes lacks or words differently: {missing}"
