#!/bin/sh
# Runs every unit test binary, the fuzz corpus replayers and the end-to-end
# CLI tests; prints one closing line "tests: N passed, N failed".
BUILD=${BUILD:-build}
pass=0
fail=0
skip=0
failed=""
log=$(mktemp)
# The lexicon cache (docs/DETECTORS.md) goes to a folder of this run, never to
# the real ~/.cache of whoever runs the tests.
MODERATO_CACHE_DIR=$(mktemp -d)
export MODERATO_CACHE_DIR
for t in $(find "$BUILD/tests" -type f -perm -u+x | sort); do
    name=${t#"$BUILD/tests/"}
    if "$t" >"$log" 2>&1; then rc=0; else rc=$?; fi
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$f" != 0 ]; then
        failed="$failed $name"
        cat "$log"
    fi
    echo "unit $name: $p passed, $f failed"
done
for r in $(find "$BUILD/fuzz" -name '*_replay' -type f 2>/dev/null | sort); do
    n=$(basename "$r" _replay)
    dir="fuzz/corpus/${n#fuzz_}"
    if "$r" "$dir" >"$log" 2>&1; then pass=$((pass + 1)); echo "fuzz replay $n: ok";
    else fail=$((fail + 1)); failed="$failed fuzz:$n"; cat "$log"; fi
done
for e in tests/e2e/test_*.sh; do
    [ -f "$e" ] || continue
    n=$(basename "$e" .sh)
    if BUILD="$BUILD" sh "$e" >"$log" 2>&1; then
        if grep -q '^skipped' "$log"; then skip=$((skip + 1)); echo "e2e $n: skipped ($(grep -m1 '^skipped' "$log"))";
        else pass=$((pass + 1)); echo "e2e $n: ok"; fi
    else fail=$((fail + 1)); failed="$failed e2e:$n"; cat "$log"; echo "e2e $n: FAILED"; fi
done
rm -f "$log"
rm -rf "$MODERATO_CACHE_DIR"
[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
