#!/bin/sh
# End-to-end tests of `moderato policy check|test`: a clean policy, errors as
# file:line:col with a hint and exit 1, warnings, the golden disassembly
# (tests/golden/policy/demo.disasm; regenerate with
#   build/moderato policy check --disasm tests/golden/policy/policies/demo.yaml
# and review the diff), the golden policy tests, a failing case, usage errors.
. tests/e2e/lib/common.sh
G=tests/golden/policy

"$M" policy --help >/dev/null || fail "policy --help"
"$M" policy check --help >/dev/null || fail "policy check --help"
set +e; "$M" policy frob 2>/dev/null; rc=$?; set -e
[ $rc = 2 ] || fail "unknown subcommand should exit 2, got $rc"
set +e; "$M" policy check --bogus x 2>/dev/null; rc=$?; set -e
[ $rc = 2 ] || fail "unknown option should exit 2, got $rc"

# A clean policy: exit 0, golden bytecode.
"$M" policy check --disasm $G/policies/demo.yaml > "$T/disasm" 2> /dev/null || fail "check demo"
diff -u $G/demo.disasm "$T/disasm" || fail "disassembly differs from $G/demo.disasm"

# A typo: file:line:col, the source line, a hint; exit 1.
printf 'policy: {id: t, version: "1"}\nrules:\n  - id: a\n    when: clf.hat > 0.5\n    action: label\n' > "$T/typo.yaml"
set +e; "$M" policy check "$T/typo.yaml" 2> "$T/err"; rc=$?; set -e
[ $rc = 1 ] || fail "typo should exit 1, got $rc"
grep -q "typo.yaml:4:11: error: unknown field 'clf.hat'" "$T/err" || { cat "$T/err"; fail "typo location"; }
grep -q "hint: did you mean 'clf.hate'?" "$T/err" || fail "typo hint"

# Categories: a rule category missing from `categories:` is an error with a
# hint; a label that is not a classifier label too; no section is a warning.
printf 'policy: {id: t, version: "1"}\ncategories:\n  hateful: {label: hate}\nrules:\n  - id: a\n    when: clf.hate > 0.5\n    action: label\n    category: hatefull\n' > "$T/cat.yaml"
set +e; "$M" policy check "$T/cat.yaml" 2> "$T/err"; rc=$?; set -e
[ $rc = 1 ] || fail "undeclared category should exit 1, got $rc"
grep -q "cat.yaml:8:15: error: category 'hatefull' is not declared in 'categories'" "$T/err" || { cat "$T/err"; fail "undeclared category"; }
grep -q "hint: did you mean 'hateful'?" "$T/err" || fail "undeclared category hint"
sed -i 's/{label: hate}/{label: hat}/; s/hatefull/hateful/' "$T/cat.yaml"
set +e; "$M" policy check "$T/cat.yaml" 2> "$T/err"; rc=$?; set -e
[ $rc = 1 ] || fail "unknown label should exit 1, got $rc"
grep -q "cat.yaml:3:20: error: category 'hateful': unknown label 'hat'" "$T/err" || { cat "$T/err"; fail "unknown label"; }
sed -i 's/{label: hat}/{label: hate}/' "$T/cat.yaml"
"$M" policy check --werror "$T/cat.yaml" > /dev/null || fail "declared categories check cleanly"
"$M" policy check $G/policies/demo.yaml 2> "$T/err" > /dev/null || fail "no categories: is no error"
grep -q "demo.yaml:7:5: warning: no 'categories:' section" "$T/err" || { cat "$T/err"; fail "no-categories warning"; }

# Warnings: exit 0, or 1 with --werror.
cp fuzz/corpus/policy/shadowed.yaml "$T/sh.yaml"
"$M" policy check "$T/sh.yaml" 2> "$T/err" || fail "warnings alone should exit 0"
grep -q "sh.yaml:9:5: warning: rule 'lbl' is shadowed by rule 'rm'" "$T/err" || { cat "$T/err"; fail "shadow warning"; }
grep -q "sh.yaml:14:11: warning: rule 'never' is unreachable" "$T/err" || { cat "$T/err"; fail "unreachable warning"; }
set +e; "$M" policy check --werror "$T/sh.yaml" 2>/dev/null; rc=$?; set -e
[ $rc = 1 ] || fail "--werror should exit 1, got $rc"

# Golden policy tests pass.
"$M" policy test $G/cases > "$T/out" || { cat "$T/out"; fail "golden policy tests"; }
grep -q "10 passed, 0 failed" "$T/out" || fail "policy test summary"

# A failing case: exit 1, named with file:line and what differed.
mkdir "$T/cases"
cp $G/policies/demo.yaml "$T/demo.yaml"
cat > "$T/cases/bad.yaml" <<'Y'
policy: ../demo.yaml
cases:
  - name: wrong expectation
    signals: {clf.hate: 0.65}
    expect: {action: remove, rules: [hate-remove]}
Y
set +e; "$M" policy test "$T/cases" > "$T/out"; rc=$?; set -e
[ $rc = 1 ] || fail "failing case should exit 1, got $rc"
grep -q "FAIL .*bad.yaml:3: wrong expectation: action: want remove, got label" "$T/out" || { cat "$T/out"; fail "failure line"; }
grep -q "rule 'hate-label' fired unexpectedly" "$T/out" || fail "unexpected rule"
echo ok
