#!/bin/sh
# How much of moderato's accuracy against the peers is the training seed:
# retrains moderato with seeds 1..N on the splits bench/accuracy.sh prepared
# and compares each label's mean, min and max over the seeds with the peers'
# results of that run (the peers are deterministic given their splits: sklearn
# by construction, fastText with one thread).
#
#   sh bench/seed_spread.sh [BUILD] [N]      (BUILD=build, N=5)
#
# Per seed, exactly the bench's recipe: `moderato train --seed S` with default
# options, test PR-AUC from its scores, and F1 at its best-F1 threshold on dev
# (bench/dev_threshold.py, the peers' rule). Needs bench/accuracy.sh to have
# run first (it reads $BUILD/bench/accuracy/<set>/ and leaves it unchanged).
# Environment: BENCH_SETS="korean-hate stormfront" limits the sets;
# TRAIN_OPTS="--lr 1" adds train options (to measure a recipe change over
# seeds); SEEDS_OUT=DIR writes there instead of $BUILD/bench/seeds.
# Writes DIR/<set>/s<S>.eval.json and prints the Markdown table and summary
# of bench/seed_table.py (also DIR/seeds.md).
set -u
case ${1:-} in -h | --help)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 0 ;;
esac
BUILD=${1:-build}
N=${2:-5}
MO=$BUILD/moderato
PY=/usr/bin/python3
ACC=$BUILD/bench/accuracy
OUT=${SEEDS_OUT:-$BUILD/bench/seeds}
OPTS=${TRAIN_OPTS:-}
HERE=$(dirname "$0")

[ -x "$MO" ] || { echo "seed_spread: $MO not built (make)" >&2; exit 1; }
[ -d "$ACC" ] || { echo "seed_spread: $ACC missing: run sh bench/accuracy.sh $BUILD first" >&2; exit 1; }
case $N in '' | *[!0-9]*) echo "seed_spread: N must be a positive number, not '$N'" >&2; exit 2 ;; esac
[ "$N" -ge 1 ] || { echo "seed_spread: N must be at least 1" >&2; exit 2; }

sets=${BENCH_SETS:-}
if [ -z "$sets" ]; then
    for d in "$ACC"/*/; do
        ds=$(basename "$d")
        # Davidson 3-class is scored by its class rule, not per label.
        [ "$ds" = davidson-3class ] && continue
        [ -f "$d/labels.txt" ] && [ -f "$d/sk.eval.json" ] && sets="$sets $ds"
    done
fi
for ds in $sets; do
    a=$ACC/$ds
    o=$OUT/$ds
    mkdir -p "$o"
    L=$(cat "$a/labels.txt")
    s=1
    while [ "$s" -le "$N" ]; do
        if "$MO" train --data "$a/train.jsonl" --dev "$a/dev.jsonl" -o "$o/m.momd" --seed "$s" \
            --labels "$L" --quiet $OPTS 2> "$o/train.log" &&
            "$MO" classify --model "$o/m.momd" --input "$a/dev.jsonl" > "$o/dev.pred.jsonl" &&
            "$MO" classify --model "$o/m.momd" --input "$a/test.jsonl" > "$o/test.pred.jsonl" &&
            $PY "$HERE/dev_threshold.py" "$a/dev.jsonl" "$o/dev.pred.jsonl" "$o/test.pred.jsonl" \
                "$o/mb.pred.jsonl" "$L" &&
            "$MO" eval --data "$a/test.jsonl" --predictions "$o/mb.pred.jsonl" --bootstrap 0 \
                --json > "$o/s$s.eval.json"; then
            :
        else
            echo "seed_spread: $ds seed $s failed:" >&2
            tail -3 "$o/train.log" >&2
        fi
        s=$((s + 1))
    done
    rm -f "$o/m.momd" "$o"/*.pred.jsonl
    echo "seed_spread: $ds done" >&2
done
$PY "$HERE/seed_table.py" "$ACC" "$OUT" "$N" | tee "$OUT/seeds.md"
