#!/bin/sh
# The multi-threaded CLI paths under ThreadSanitizer (`make tsan`): the
# end-to-end tests that run `classify` and `moderate` with several threads,
# against a build with -fsanitize=thread. TSAN_OPTIONS (set by the Makefile)
# has halt_on_error=1, so any data race fails the test it happens in. Prints
# one closing line "tsan: N passed, N failed".
BUILD=${BUILD:-build-tsan}
MODERATO_CACHE_DIR=$(mktemp -d)
export MODERATO_CACHE_DIR
log=$(mktemp)
pass=0
fail=0
for e in tests/e2e/test_classify.sh tests/e2e/test_moderate.sh; do
    n=$(basename "$e" .sh)
    if BUILD="$BUILD" sh "$e" > "$log" 2>&1 && ! grep -q 'ThreadSanitizer' "$log"; then
        pass=$((pass + 1))
        echo "tsan $n: ok"
    else
        fail=$((fail + 1))
        cat "$log"
        echo "tsan $n: FAILED"
    fi
done
rm -f "$log"
rm -rf "$MODERATO_CACHE_DIR"
echo "tsan: $pass passed, $fail failed"
[ "$fail" = 0 ]
