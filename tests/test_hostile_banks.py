"""Hostile question banks, through the command line: one row per case of issue #8 (loader half).

Every row builds a bank in a tmp dir (`bank/`, the only bank: QUIZ_QUESTIONS_DIR points at it), runs
one command and asserts: the exit code, the exact one problem line (code and file:line:col), that no
"Traceback" appears, and that every file involved is byte for byte unchanged (sha256 before and after).
Rows that could hang or eat memory if the guard regressed run in a subprocess with a timeout.
Limits under test: bank files 2 MiB, 50 nesting levels, aliases adding 10,000 nodes, 2 s for the
draws of one parametric question (quiz check) and 2 s for one computed answer (study, show, export).
"""

from __future__ import annotations

import json
import os
import pickle
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import ALIAS_BOMB, BASE, BIG, ROOT, cloze, digests, environment, git, link, no_ids, numeric, raw, run_python
from helpers import run_quiz as run

from quiz import bank_cache
from quiz.bank import CLOZE_PATTERN, bank_files

# BASE (tests/helpers.py): one flashcard; line 4: `  - id: demo.one`; line 7: prompt (en value at column 19);
# line 8: answer


def parametric(fn: str, params: str) -> str:
    return numeric(f"compute: {fn}, tolerance: 0.01", params)


@dataclass
class Row:
    setup: Callable[[Path], None] | str  # a function of the bank dir, or the text of bank/demo.yaml
    args: list[str]
    line: str | list[str]  # the problem line expected (a prefix: "path:line:col: CODE message..."), or lines
    exit_code: int = 1
    process: bool = False  # run as a subprocess with a timeout: the row could hang if the guard regressed
    seconds: float = 20.0  # the subprocess must finish within this
    env: dict = field(default_factory=dict)


def fifo(d: Path) -> None:
    os.mkfifo(d / "x.yaml")


def big(d: Path) -> None:
    (d / "demo.yaml").write_text(BIG, encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


ROWS: dict[str, Row] = {
    # --- 1. terminal control characters in bank text (Q027), at the escape or the raw character
    "esc-escape": Row(BASE.replace("Why scale?", "Why \\e[2Jscale?"), ["check"],
                      "bank/demo.yaml:7:23: Q027 terminal control character U+001B (ESC)"),
    "esc-hex-escape-in-zh": Row(BASE.replace("为什么缩放？", "为什么\\x1b]0;pwned\\x07缩放？"), ["list", "--json"],
                                "bank/demo.yaml:7:40: Q027 terminal control character U+001B (ESC)"),
    "c1-csi-escape": Row(BASE.replace("Variance.", "Var\\u009b31mance."), ["check"],
                         "bank/demo.yaml:8:22: Q027 terminal control character U+009B (CSI)"),
    "raw-esc": Row(raw(BASE.replace("Variance.", "Var\x1b[31mance.").encode()), ["check"],
                   "bank/demo.yaml:8:22: Q027 terminal control character U+001B (ESC) in the file"),
    "raw-bell-in-key": Row(raw(BASE.replace("difficulty", "diff\x07iculty").encode()), ["check"],
                           "bank/demo.yaml:6:9: Q027 terminal control character U+0007 (BEL)"),
    "raw-del": Row(raw(BASE.replace("scale?", "scale\x7f?").encode()), ["check"],
                   "bank/demo.yaml:7:28: Q027 terminal control character U+007F (DEL)"),
    "raw-c1": Row(raw(BASE.replace("scale?", "scale\x85?").encode()), ["check"],
                  "bank/demo.yaml:7:28: Q027 terminal control character U+0085 (NEL)"),
    "carriage-return-escape": Row(BASE.replace("Variance.", "Variance\\rFAKE"), ["check"],
                                  "bank/demo.yaml:8:27: Q027 terminal control character U+000D (CR)"),
    # --- 4. alias bombs, recursive aliases (Q031), deep nesting (Q032)
    "alias-bomb": Row(ALIAS_BOMB, ["list", "--json"], "bank/demo.yaml:5:5: Q031 aliases of the anchor here",
                      process=True, seconds=10),
    "recursive-alias": Row(BASE.replace('{en: "Variance.", zh: "方差。"}', "&a [x, *a]"), ["check"],
                           "bank/demo.yaml:8:13: Q031 recursive alias"),
    "nested-340-levels": Row(BASE + "description: " + "[" * 340 + "]" * 340 + "\n", ["check"],
                             "bank/demo.yaml:10:63: Q032 nested more than 50 levels deep", process=True),
    "nested-5000-block-levels": Row(BASE + "description:\n  " + "- " * 5000 + "x\n", ["check"],
                                    "bank/demo.yaml:11:1999: Q032 nested more than 50 levels deep", process=True),
    # --- 4. only regular files, at most 2 MiB (Q029, Q030); each reported at the bank file's own path
    "fifo": Row(fifo, ["list", "--json"], "bank/x.yaml:1:1: Q029 a named pipe (FIFO), not a regular file",
                process=True, seconds=10),
    "symlink-to-dev-zero": Row(link("/dev/zero"), ["check"],
                               "bank/x.yaml:1:1: Q029 a character device, not a regular file", process=True,
                               seconds=10),
    "symlink-loop": Row(link("x.yaml"), ["check"], "bank/x.yaml:1:1: Q029 symlink loop"),
    "dangling-symlink": Row(link("/nonexistent/elsewhere.yaml"), ["list", "--json"],
                            "bank/x.yaml:1:1: Q029 broken symlink (to /nonexistent/elsewhere.yaml"),
    "directory-named-yaml": Row(lambda d: (d / "x.yaml").mkdir(), ["check"],
                                "bank/x.yaml:1:1: Q029 a directory, not a regular file"),
    "over-2-mib": Row(big, ["check"], f"bank/demo.yaml:1:1: Q030 file is {len(BASE.encode()) + 2 + 2**21:,} bytes; "
                      "bank files are limited to 2,097,152 bytes", process=True),
    # --- 4. read errors at the real line and column (Q028, Q027)
    "invalid-utf8": Row(raw(BASE.replace("Variance.", "Vari\udcffance.").encode("utf-8", "surrogateescape")),
                        ["check"], "bank/demo.yaml:8:23: Q028 not valid UTF-8 (byte 0xff)"),
    "raw-nul": Row(raw(BASE.replace("为什么", "为什\x00么").encode()), ["list", "--json"],
                   "bank/demo.yaml:7:39: Q027 terminal control character U+0000 (NUL) in the file"),
    # --- 4. numbers: NaN, infinities and integers too large for a float (Q033)
    "value-nan": Row(numeric("value: .nan, tolerance: 0.05"), ["check"],
                     "bank/demo.yaml:8:14: Q033 demo.one: value nan is not a finite number"),
    "value-inf": Row(numeric("value: .inf, tolerance: 0.05"), ["list", "--json"],
                     "bank/demo.yaml:8:14: Q033 demo.one: value inf is not a finite number"),
    "value-huge-int": Row(numeric("value: 1" + "0" * 400 + ", tolerance: 0.05"), ["check"],
                          "bank/demo.yaml:8:14: Q033 demo.one: value an integer of about 401 digits"),
    "value-int-beyond-str-limit": Row(numeric("value: 1" + "0" * 5000 + ", tolerance: 0.05"), ["check"],
                                      "bank/demo.yaml:8:21: Q033 integer with 5,001 characters is too large"),
    "tolerance-nan": Row(numeric("value: 64, tolerance: .nan"), ["check"],
                         "bank/demo.yaml:8:25: Q033 demo.one: tolerance nan is not a finite number"),
    "tolerance-inf": Row(numeric("value: 64, tolerance: .inf"), ["check"],
                         "bank/demo.yaml:8:25: Q033 demo.one: tolerance inf is not a finite number"),
    "param-nan": Row(parametric("qk_variance", "d_k: [16, .nan]"), ["check"],
                     "bank/demo.yaml:7:14: Q033 demo.one: param 'd_k' holds nan, not a finite number"),
    "param-range-inf": Row(parametric("qk_variance", "d_k: {min: 1, max: .inf}"), ["check"],
                           "bank/demo.yaml:7:14: Q033 demo.one: param 'd_k' holds inf"),
    "param-range-too-many-steps": Row(parametric("qk_variance", "d_k: {min: -1.0e+308, max: 1.0e+308}"), ["check"],
                                      "bank/demo.yaml:7:14: Q033 demo.one: param 'd_k' spans too many steps"),
    # --- 4. parametric answers drawn at check time (Q034 fails, Q035 hangs), at the question's line
    "compute-division-by-zero": Row(parametric("head_dim", "d_model: [512], n_heads: [8, 0]"), ["check"],
                                    "bank/demo.yaml:4:1: Q034 demo.one: head_dim(d_model=512, n_heads=0) fails: "
                                    "ZeroDivisionError"),
    "compute-zero-only-at-range-end": Row(parametric("head_dim", "d_model: [512], n_heads: {min: -5000000, max: 0}"),
                                          ["check"], "bank/demo.yaml:4:1: Q034 demo.one: head_dim(d_model=512, "
                                          "n_heads=0) fails: ZeroDivisionError"),
    "compute-math-domain": Row(parametric("uniform_cross_entropy", "vocab: [0, 32000]"), ["check"],
                               "bank/demo.yaml:4:1: Q034 demo.one: uniform_cross_entropy(vocab=0) fails: "
                               "ValueError: math domain error"),
    "compute-complex": Row(parametric("deepnorm_beta", "n_layers: [-1, 12]"), ["check"],
                           "bank/demo.yaml:4:1: Q034 demo.one: deepnorm_beta(n_layers=-1) fails: complex result"),
    "compute-overflow": Row(parametric("sinusoid_wavelength", "d_model: [1], i: [1000]"), ["check"],
                            "bank/demo.yaml:4:1: Q034 demo.one: sinusoid_wavelength(d_model=1, i=1000) fails: "
                            "OverflowError"),
    "compute-infinite": Row(parametric("train_flops", "n_params: [1.0e+308], n_tokens: [10]"), ["check"],
                            "bank/demo.yaml:4:1: Q034 demo.one: train_flops(n_params=1e+308, n_tokens=10) fails: "
                            "result is inf"),
    "compute-int-too-large": Row(parametric("learned_pe_params", f"max_len: [1{'0' * 200}], d_model: [1{'0' * 200}]"),
                                 ["check"], "bank/demo.yaml:4:1: Q034 demo.one: learned_pe_params(max_len=1e+200, "
                                 "d_model=1e+200) fails: result has about 401 digits, too large for a float"),
    "compute-hang": Row(parametric("attention_flops_no_cache", "seq_len: [1000000000000]"), ["check"],
                        "bank/demo.yaml:4:1: Q035 demo.one: attention_flops_no_cache() took longer than 2 s",
                        process=True, seconds=15),
    # the same functions at runtime (a bank nobody checked): one line, never a traceback or a hang
    "show-division-by-zero": Row(parametric("head_dim", "d_model: [512], n_heads: [0]"), ["show", "demo.one"],
                                 "bank/demo.yaml:4:1: Q034 demo.one: head_dim(d_model=512, n_heads=0) fails: "
                                 "ZeroDivisionError: division by zero; run `quiz check`"),
    "export-complex": Row(parametric("deepnorm_beta", "n_layers: [-1]"), ["export", "-o", "out.apkg"],
                          "bank/demo.yaml:4:1: Q034 demo.one: deepnorm_beta(n_layers=-1) fails: complex result"),
    "show-hang": Row(parametric("attention_flops_no_cache", "seq_len: [1000000000000]"), ["show", "demo.one"],
                     "bank/demo.yaml:4:1: Q035 demo.one: attention_flops_no_cache(seq_len=1000000000000) took "
                     "longer than 2 s", process=True, seconds=15),
    # --- 4. cloze gaps that cannot be answered (Q036) and tags with spaces (Q037)
    "cloze-empty-alternatives": Row(cloze("Divide by {{ | }}"), ["check"],
                                    "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): gap '{{ | }}' has an empty"),
    "cloze-empty-gap": Row(cloze("Divide by {{sqrt(d_k)}} and {{}}"), ["check"],
                           "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): gap '{{}}' has an empty"),
    "cloze-nested": Row(cloze("Divide by {{a {{b}} c}}"), ["list", "--json"],
                        "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): a gap inside a gap"),
    "cloze-stray-close": Row(cloze("Divide by {{a}} }}"), ["check"],
                             "bank/demo.yaml:7:14: Q036 demo.one: cloze prompt (en): '}}' without an opening"),
    "tag-with-space": Row(BASE + "    tags: [scaling, soft max]\n", ["export", "-o", "out.apkg"],
                          "bank/demo.yaml:10:21: Q037 demo.one: tag 'soft max' must be lowercase words joined by "
                          "hyphens, without spaces (e.g. 'soft-max')"),
    # --- 4. odds and ends
    "two-questions-without-id": Row(no_ids, ["check"], ["bank/demo.yaml:10:5: Q004 question without an id",
                                                        "bank/demo.yaml:15:5: Q004 question without an id"]),
    "value-from-odd-name": Row(numeric("value_from: 1.50, tolerance: 0.05"), ["check"],
                               "bank/demo.yaml:8:14: Q011 demo.one: value_from '1.50' must be <verifier>.<check>"),
    "value-from-unknown-verifier": Row(numeric("value_from: Attention_Scaling.var, tolerance: 0.05"), ["check"],
                                       "bank/demo.yaml:8:14: Q010 demo.one: value_from 'Attention_Scaling.var' "
                                       "names unknown verifier 'Attention_Scaling'"),
}


# --- running a row (`run` is helpers.run_quiz: quiz ARGS in tmp, the bank in tmp/bank) -------------


def problem_lines(args: list[str], stdout: str, stderr: str) -> list[str]:
    """The problem lines a command printed: `quiz check` lists them on stdout, the others say
    `Error: <problem>` on stderr."""
    if args[0] == "check":
        assert stderr.strip().endswith("problem(s) in the banks.") or not stdout.strip(), stderr
        return stdout.splitlines()
    lines = stderr.splitlines()
    return [line.removeprefix("Error: ") for line in lines if not line.startswith("╭") and line.strip()]


@pytest.mark.parametrize("name", list(ROWS))
def test_hostile_bank(name, tmp_path):
    row = ROWS[name]
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    if isinstance(row.setup, str):
        (bank_dir / "demo.yaml").write_text(row.setup, encoding="utf-8")
    else:
        row.setup(bank_dir)
    before = digests(bank_dir)
    code, out, err = run(tmp_path, row.args, process=row.process, seconds=row.seconds, env=row.env)
    assert "Traceback" not in out + err, out + err
    assert code == row.exit_code, (code, out, err)
    lines = problem_lines(row.args, out, err)
    expected = [row.line] if isinstance(row.line, str) else row.line
    assert len(lines) == len(expected) and all(a.startswith(b) for a, b in zip(lines, expected, strict=True)), \
        (expected, out, err)  # fmt: skip
    assert digests(bank_dir) == before
    assert not (tmp_path / "out.apkg").exists()  # a refused export writes nothing


def test_alias_bomb_is_refused_at_the_anchor_that_overflows_the_budget(tmp_path):
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    start = time.monotonic()
    code, out, _ = run(tmp_path, ["check"])
    assert time.monotonic() - start < 5
    assert code == 1
    # a1..a3 add 90 + 819 + 7,380 nodes; the first alias of a3 (7,381 more) breaks the budget of 10,000
    expected = line_of(ALIAS_BOMB, "a3: &a3")
    assert out.splitlines() == [f"bank/demo.yaml:{expected}:5: Q031 aliases of the anchor here expand the file by "
                                "more than 10,000 nodes (an alias bomb?); write the data out instead"]  # fmt: skip


def test_a_moderate_alias_is_fine(tmp_path):
    """Aliases are allowed within the budget: a source written once and reused."""
    text = BASE.replace('    sources: [{paper: "Vaswani et al. 2017", where: "3.2.1"}]',
                        '    sources: [&vaswani {paper: "Vaswani et al. 2017", where: "3.2.1"}]')
    text += "\n".join(f"  - id: demo.q{i}\n    type: flashcard\n    difficulty: 1\n    prompt: {{en: 'Q{i}?', zh: "
                      f"'问{i}？'}}\n    answer: {{en: 'A{i}.', zh: '答{i}。'}}\n    sources: [*vaswani]"
                      for i in range(200)) + "\n"  # fmt: skip
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(tmp_path, ["list", "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert len(data) == 201 and data[-1]["sources"] == [{"paper": "Vaswani et al. 2017", "where": "3.2.1"}]


# --- the same bank directory twice, --against with an unknown ref -------------------------------------


@pytest.mark.parametrize("args, env", [
    (["check", "--bank", "bank", "--bank", "./bank"], {}),
    (["check", "--bank", "./bank/"], {"QUIZ_BANKS": "bank"}),
    (["check"], {"QUIZ_BANKS": os.pathsep.join(["bank", "./bank", "bank/../bank"])}),
])  # fmt: skip
def test_the_same_bank_directory_twice_is_loaded_once(tmp_path, args, env):
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(BASE, encoding="utf-8")
    code, out, err = run(tmp_path, args, env=env)
    assert (code, out) == (0, ""), (out, err)
    assert re.fullmatch(r"OK: 1 questions in 1 topics, (\d+ drills, )?no problems\.", err.strip()), err


def test_check_against_an_unknown_ref_is_an_error(tmp_path):
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(BASE, encoding="utf-8")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "bank"]):
        git(tmp_path, *args)
    before = digests(tmp_path / "bank")
    code, out, err = run(tmp_path, ["check", "--against", "no-such-branch"])
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.splitlines() == [f"Error: --against no-such-branch: no such git ref in {tmp_path.resolve()}; "
                                "try `git branch -a` for the names"]  # fmt: skip
    assert run(tmp_path, ["check", "--against", "main"])[0] == 0  # a ref that exists still works
    assert digests(tmp_path / "bank") == before


def test_check_against_outside_git_is_an_error(tmp_path):
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(BASE, encoding="utf-8")
    code, out, err = run(tmp_path, ["check", "--against", "main"])
    assert code == 1 and err.splitlines() == ["Error: --against main: no bank directory is in a git checkout, so "
                                              "there is nothing to compare"]  # fmt: skip


# --- numbers never come out as NaN ----------------------------------------------------------------------


def test_list_json_prints_only_finite_numbers(tmp_path):
    (tmp_path / "bank").mkdir()
    text = parametric("linear_warmup_lr", "peak_lr: [0.0003], warmup: [1000], step: {min: 100, max: 3900, step: 100}")
    (tmp_path / "bank" / "demo.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(tmp_path, ["list", "--json"])
    assert code == 0, err
    assert "NaN" not in out and "Infinity" not in out
    [q] = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in --json output"))
    assert q["params"] == {"peak_lr": [0.0003], "warmup": [1000], "step": {"min": 100, "max": 3900, "step": 100}}
    assert run(tmp_path, ["check"])[0] == 0  # and every one of its 39 draws computes


# --- the parsed-bank cache: never pickle, never trusted, written atomically ----------------------------


class _Plant:
    """Unpickling this object calls open(marker, "w"): it would create the marker file."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def bank_with_cache(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(BASE, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    return home, tmp_path / "marker"


def test_a_planted_pickle_is_never_loaded(tmp_path):
    home, marker = bank_with_cache(tmp_path)
    (home / "bank-cache.pickle").write_bytes(pickle.dumps(_Plant(marker)))
    (home / "bank-cache.tmp").symlink_to(tmp_path / "victim")  # the old fixed temp name: never written through
    before = digests(home, tmp_path / "bank")
    for _ in range(2):  # cold, then warm from our own cache
        code, out, err = run(tmp_path, ["list", "--json"])
        assert code == 0 and [q["id"] for q in json.loads(out)] == ["demo.one"], err
    assert not marker.exists() and not (tmp_path / "victim").exists()
    after = digests(home, tmp_path / "bank")
    assert {k: v for k, v in after.items() if not k.endswith("bank-cache.json")} == before  # pickle untouched


def test_a_malicious_json_cache_is_never_trusted(tmp_path):
    home, marker = bank_with_cache(tmp_path)
    assert run(tmp_path, ["list", "--json"])[0] == 0
    cache = home / bank_cache.CACHE_NAME
    good = json.loads(cache.read_text(encoding="utf-8"))
    assert good["format"] == bank_cache.FORMAT and good["questions"][0][0] == "demo.one"
    evil = {**good, "questions": [[*good["questions"][0][:9], [None, None, "os.system", 0.1, ""],
                                   *good["questions"][0][10:]]],
            "py/reduce": [{"py/function": "builtins.open"}, {"py/tuple": [str(marker), "w"]}]}  # fmt: skip
    evil["questions"][0][4] = ["\x1b]0;owned\x07Why?", "为什么？"]
    cache.write_text(json.dumps(evil), encoding="utf-8")
    code, out, err = run(tmp_path, ["list", "--json"])
    assert code == 0 and not marker.exists(), err
    [q] = json.loads(out)
    assert q["prompt"]["en"] == "Why scale?" and q["type"] == "flashcard"  # rebuilt from the YAML
    assert json.loads(cache.read_text(encoding="utf-8")) == good  # and the cache rewritten honestly


@pytest.mark.parametrize("damage", ["truncated", "not-json", "nan", "foreign", "wrong-types", "fifo", "symlink"])
def test_a_damaged_or_foreign_cache_is_rebuilt(tmp_path, damage):
    home, _ = bank_with_cache(tmp_path)
    assert run(tmp_path, ["list", "--json"])[0] == 0
    cache = home / bank_cache.CACHE_NAME
    good = cache.read_text(encoding="utf-8")
    doc = json.loads(good)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    cache.unlink()
    if damage == "truncated":
        cache.write_text(good[: len(good) // 2], encoding="utf-8")
    elif damage == "not-json":
        cache.write_bytes(b"\x80\x04\x95 a pickle, perhaps")
    elif damage == "nan":
        cache.write_text(good.replace('"demo.one", "demo", "flashcard", 2', '"demo.one", "demo", "flashcard", NaN'))
    elif damage == "foreign":
        cache.write_text(json.dumps({**doc, "format": "someone-else/9"}), encoding="utf-8")
    elif damage == "wrong-types":
        doc["questions"][0][3] = "2"
        cache.write_text(json.dumps(doc), encoding="utf-8")
    elif damage == "fifo":
        os.mkfifo(cache)
    elif damage == "symlink":
        cache.symlink_to(victim)
    code, out, err = run(tmp_path, ["list", "--json"], process=damage == "fifo", seconds=10)
    assert code == 0 and "Traceback" not in err and [q["id"] for q in json.loads(out)] == ["demo.one"]
    assert not cache.is_symlink() and cache.read_text(encoding="utf-8") == good
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in home.iterdir()) == [bank_cache.CACHE_NAME]


def test_a_failed_cache_write_leaves_no_temp_file(tmp_path):
    """A full disk (RLIMIT_FSIZE: writes past 256 bytes fail with EFBIG): the command works, nothing is left."""
    home, _ = bank_with_cache(tmp_path)
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (256, 256)); "
            "from quiz.cli import cli; sys.argv = ['quiz', 'list', '--json']; cli()")  # fmt: skip
    done = run_python(["-c", code], cwd=tmp_path, env=environment(tmp_path), timeout=20)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert [q["id"] for q in json.loads(done.stdout)] == ["demo.one"]
    assert list(home.iterdir()) == []  # neither a cache nor a temp file


def test_the_cache_is_written_without_following_a_planted_symlink(tmp_path, monkeypatch):
    """Even a symlink planted at the very temp name we pick is refused (O_EXCL|O_NOFOLLOW), not written through."""
    home, _ = bank_with_cache(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    tmp_name = home / f".{bank_cache.CACHE_NAME}.planted.tmp"
    tmp_name.symlink_to(victim)
    monkeypatch.setattr(bank_cache, "_temp_path", lambda cache: tmp_name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", "bank")
    files, _ = bank_files([Path("bank")])
    bank_cache.load_cached([Path("bank")], home)
    assert victim.read_text(encoding="utf-8") == "keep me" and tmp_name.is_symlink()
    assert not (home / bank_cache.CACHE_NAME).exists()  # no cache this time; only speed is lost
    assert bank_cache.read(home / bank_cache.CACHE_NAME, bank_cache.fingerprint(files)) is None


# --- study: a compute failure at runtime is one line, through a real terminal ------------------------


def test_study_with_a_failing_compute_prints_one_line(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").write_text(parametric("head_dim", "d_model: [512], n_heads: [0]"),
                                                 encoding="utf-8")  # fmt: skip
    before = digests(tmp_path / "bank")
    env = {**os.environ, **environment(tmp_path), "PYTHONPATH": str(ROOT)}
    child = pexpect.spawn(sys.executable, ["-m", "quiz", "study"], cwd=str(tmp_path), env=env, timeout=20,
                          dimensions=(40, 200), encoding="utf-8")  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    text = child.before.replace("\r", "")
    assert "Traceback" not in text
    assert child.exitstatus == 1
    errors = [line for line in text.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: bank/demo.yaml:4:1: Q034 demo.one: head_dim(d_model=512, n_heads=0) fails: "
                      "ZeroDivisionError: division by zero; run `quiz check`"]  # fmt: skip
    assert digests(tmp_path / "bank") == before


# --- the cloze rule and the schema's pattern agree ------------------------------------------------------


def test_cloze_pattern_is_the_schema_pattern():
    schema = json.loads((ROOT / "questions" / "schema.json").read_text(encoding="utf-8"))
    text = json.dumps(schema)
    assert json.dumps(CLOZE_PATTERN) in text


def test_a_non_finite_recorded_check_value_is_refused(tmp_path):
    """value_from takes a number recorded in verifiers/expected.json; NaN there would make the card always wrong."""
    from quiz.bank import validate_files
    from quiz.params import COMPUTE

    path = tmp_path / "demo.yaml"
    path.write_text(numeric("value_from: attention_scaling.var_unscaled_d64, tolerance: 0.05"), encoding="utf-8")
    for bad in (float("nan"), float("inf")):
        _, problems = validate_files([path], {"attention_scaling"}, {"attention_scaling.var_unscaled_d64": bad},
                                     COMPUTE)  # fmt: skip
        assert [(p.code, p.line, p.col) for p in problems] == [("Q033", 8, 14)]
        assert f"verifiers/expected.json holds {bad!r}" in problems[0].message


def test_a_symlink_to_a_regular_bank_file_is_read_under_its_own_name(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "real.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "demo.yaml").symlink_to(tmp_path / "elsewhere" / "real.yaml")
    code, out, err = run(tmp_path, ["list", "--json"])
    assert code == 0, err
    assert [(q["id"], q["file"], q["line"]) for q in json.loads(out)] == [("demo.one", "bank/demo.yaml", 4)]
