#!/bin/sh
# The shipped model must be rebuildable bit for bit from data/ by the one
# command that made it (scripts/build-model.sh), and must load and score.
set -eu
BUILD=${BUILD:-build}
case "$BUILD" in *asan*) echo "skipped under sanitizers (slow); covered by the plain run"; exit 0;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[ -f models/default.momd ] || { echo "FAIL: models/default.momd missing"; exit 1; }
sh scripts/build-model.sh "$BUILD" "$T/rebuilt.momd" 2> "$T/train.log" || { cat "$T/train.log"; exit 1; }
if ! cmp "$T/rebuilt.momd" models/default.momd; then
    echo "FAIL: rebuilding the default model gave a different file (run 'make model' and commit)"
    exit 1
fi
echo '{"id":"1","text":"check out my channel, free gift cards"}' | "$BUILD/moderato" classify > "$T/o.jsonl"
grep -q '"scores"' "$T/o.jsonl" || { echo "FAIL: default model did not score"; exit 1; }
echo "default model rebuilt bit for bit"
