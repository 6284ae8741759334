#!/usr/bin/env bash
# Mutation testing (mutmut 3), one core module at a time; each module's mutants run only its own test files.
#
#   scripts/mutation.sh                      every core module, in the order below
#   scripts/mutation.sh grading params       just these
#
# Needs mutmut in the environment (`pip install mutmut==3.8.1`; not in the test extra: it does not install
# offline here). Each module is mutated in a fresh copy of the working tree under $TMPDIR (the checkout is
# never touched), with 2 workers at nice 10 and a wall-clock limit per module (MUTATION_MINUTES, default 15).
# On this 2-core machine grading, cards, scheduler and stats take a few minutes each, params ~10; see
# docs/mutation.md for the measured times and scores. Results: .mutation/<module>.{json,txt} (survivors).
# Not part of .ci/run: run it by hand after changing a core module or its tests.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MUTMUT=${MUTMUT:-mutmut}
JOBS=${MUTATION_JOBS:-2}
MINUTES=${MUTATION_MINUTES:-15}
OUT=${MUTATION_OUT:-$ROOT/.mutation}

declare -A TESTS=(
  [grading]="tests/test_grading.py tests/test_pinned_grading.py"
  [params]="tests/test_pinned_parametric.py"
  [scheduler]="tests/test_pinned_schedule.py"
  [cards]="tests/test_pinned_cards.py tests/test_pinned_grading.py tests/test_session.py"
  [stats]="tests/test_stats.py tests/test_pinned_stats.py"
  [store]="tests/test_store.py tests/test_pinned_store.py tests/test_hostile_store.py tests/test_pinned_schedule.py tests/test_pinned_stats.py"
  [session]="tests/test_session.py tests/test_pinned_session.py tests/test_pinned_schedule.py tests/test_plan_sim.py tests/test_pinned_plan_session.py tests/test_plan_load.py tests/test_session_learning.py tests/test_filters.py"
  [export]="tests/test_export.py tests/test_pinned_export.py"
  [bank]="tests/test_pinned_bank.py tests/test_pinned_bank_hostile.py tests/test_bank.py tests/test_schema.py tests/test_check_codes.py tests/test_bank_fuzz.py::test_the_cloze_rule_and_the_schema_pattern_agree --deselect=tests/test_schema.py::test_schema_accepts_every_shipped_bank_the_loader_accepts --deselect=tests/test_check_codes.py::test_new_verifier_runs_and_fails_until_filled_in"  # see docs/mutation.md
  [lint]="tests/test_pinned_lint.py tests/test_check_codes.py --deselect=tests/test_check_codes.py::test_new_verifier_runs_and_fails_until_filled_in"  # see docs/mutation.md
  [verify]="tests/test_verify_runner.py tests/test_pinned_verify.py tests/test_verify_output.py"
  [interactive]="tests/test_pinned_keys.py tests/test_pinned_interactive.py"  # the pty tests run quiz in a child process: invisible to mutmut
)
ORDER=(grading params scheduler cards stats store session export bank lint verify interactive)

command -v "$MUTMUT" >/dev/null || { echo "mutmut not found: pip install mutmut==3.8.1 (or set MUTMUT=...)" >&2; exit 2; }
mkdir -p "$OUT"
for module in "${@:-${ORDER[@]}}"; do
  [[ -n "${TESTS[$module]:-}" ]] || { echo "unknown module $module; one of: ${ORDER[*]}" >&2; exit 2; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/quiz-mutation-$module.XXXXXX")
  trap 'rm -rf "$work"' EXIT  # also when a step fails
  if [[ -n "${MUTATION_REF:-}" ]]; then  # a committed state, e.g. the "before" score of docs/mutation.md
    git -C "$ROOT" archive "$MUTATION_REF" | tar -x -C "$work"
  else  # the working tree as it is (tracked and new files, with uncommitted edits), without .git
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work" 2>/dev/null || true)
  fi
  rm -rf "$work/mutants"
  # MUTATION_TESTS overrides the selection (pytest arguments, e.g. for a "before" run of a module whose own
  # test file did not exist yet); otherwise the module's test files that exist in that tree
  tests=${MUTATION_TESTS:-$(cd "$work" && for t in ${TESTS[$module]}; do if [[ -f ${t%%::*} || $t == -* ]]; then echo "$t"; fi; done)}
  {
    echo "[mutmut]"
    echo "source_paths = quiz"
    echo "only_mutate = quiz/$module.py"
    echo "also_copy ="
    for d in verifiers questions drills docs benchmarks scripts .ci README.md CONTRIBUTING.md constraints.txt; do echo "    $d"; done
    echo "pytest_add_cli_args_test_selection ="
    for t in $tests; do echo "    $t"; done
    echo "pytest_add_cli_args ="
    echo "    -p"
    echo "    no:cacheprovider"
  } > "$work/setup.cfg"
  echo "== $module${MUTATION_REF:+ at $MUTATION_REF}: mutating quiz/$module.py against" $tests "(limit ${MINUTES} min)"
  tag=${MUTATION_REF:+@$MUTATION_REF}
  start=$(date +%s)
  status=0
  (cd "$work" && OMP_NUM_THREADS=1 nice -n 10 timeout "${MINUTES}m" "$MUTMUT" run --max-children "$JOBS" \
     > "$OUT/$module$tag.log" 2>&1) || status=$?
  (cd "$work" && "$MUTMUT" export-cicd-stats >/dev/null 2>&1 && cp mutants/mutmut-cicd-stats.json "$OUT/$module$tag.json") || true
  (cd "$work" && "$MUTMUT" results > "$OUT/$module$tag.txt" 2>&1) || true
  # the diff of every survivor, to judge (kill it with a test, or list it as equivalent in docs/mutation.md)
  (cd "$work" && grep -o '[^ ]*: survived' "$OUT/$module$tag.txt" | cut -d: -f1 | while read -r name; do
     "$MUTMUT" show "$name" </dev/null 2>&1 | grep -E '^(---|\+\+\+|[-+] |@@)' ; echo; done > "$OUT/$module$tag.survivors.diff") || true
  seconds=$(( $(date +%s) - start ))
  python3 - "$module$tag" "$OUT/$module$tag.json" "$seconds" "$status" <<'PY'
import json, sys
module, path, seconds, status = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
try:
    s = json.load(open(path))
except OSError:
    print(f"{module}: no results (mutmut exit {status}); see the .log"); sys.exit(0)
caught = s["killed"] + s["timeout"] + s["segfault"]
reached = caught + s["survived"] + s["suspicious"]
counted = reached + s["no_tests"]  # a mutant no selected test even runs counts as a survivor
score = 100 * caught / counted if counted else 0
note = " (stopped by the time limit)" if status == 124 else ""
print(f"{module}: killed {caught}/{counted} = {score:.1f}% (of the {reached} a test reached: "
      f"{100 * caught / reached if reached else 0:.1f}%); survived {s['survived']}, no tests {s['no_tests']}, "
      f"skipped {s['skipped']}, total {s['total']}; {seconds} s{note}")
PY
  rm -rf "$work"
done
