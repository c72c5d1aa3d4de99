#!/bin/sh
# Regenerates docs/eval/baseline.json, the committed evaluation of the shipped
# model that tests/e2e/test_eval.sh gates against (docs/EVALUATION.md, "Gates").
# Run it after changing models/default.momd or data/test.jsonl. It first gates
# the current model against the old baseline and stops with exit 4 when a gate
# fails, unless FORCE=1 (then say why in the commit message).
set -eu
BUILD=${BUILD:-build}
M="$BUILD/moderato"
OUT=docs/eval/baseline.json
GATES=tests/gates/default.json
[ -x "$M" ] || make -s all
set -- --model models/default.momd --data data/test.jsonl --slice lang --slice source \
    --slice identity --terms data/identity/terms.tsv
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ -f "$OUT" ]; then
    rc=0
    "$M" eval "$@" --baseline "$OUT" --gate "$GATES" --bootstrap 0 > /dev/null || rc=$?
    if [ "$rc" = 4 ] && [ "${FORCE:-0}" != 1 ]; then
        echo "eval-baseline: the new model regresses against $OUT (table above);" >&2
        echo "eval-baseline: rerun with FORCE=1 to accept it anyway" >&2
        exit 4
    fi
    [ "$rc" = 0 ] || [ "$rc" = 4 ] || exit "$rc"
fi
"$M" eval "$@" --json > "$tmp"
chmod 644 "$tmp"
mv "$tmp" "$OUT"
trap - EXIT
echo "eval-baseline: wrote $OUT"
