#!/bin/sh
# Accuracy of moderato against two peers on the same splits, scored by the
# same metric code (`moderato eval`).
#
#   sh bench/accuracy.sh [BUILD]            (BUILD defaults to build)
#
# Data sets: the combined data/{train,dev,test}.jsonl ("all"), every
# data/corpus/<source>.jsonl split by its "split" field, and "davidson-3class"
# (Davidson's hate / offensive / neither as three one-vs-rest labels, scored
# by 3-class macro-F1 of the plain argmax and of the dev-fitted weighted argmax,
# bench/macro_f1.py).  Per data set only the labels with both
# classes in train, dev and test are benchmarked (bench/split.py), and all
# three systems learn exactly those labels from exactly those items.
#
# Systems:
#   moderato  build/moderato train --seed 1 (default options) + eval --model
#   fastText  bench/peer_fasttext.py (one binary model per label, lr tuned on dev)
#   sklearn   bench/peer_sklearn.py  (TF-IDF word+char LR, C/class_weight tuned on dev)
# Peers pick their operating threshold as the best-F1 threshold on dev; moderato
# is reported twice for F1: at the operating thresholds its train command stores
# in the model (they aim at a dev precision, not at F1), and re-thresholded at
# its own best-F1 threshold on dev (bench/dev_threshold.py), the peers' rule.
#
# Environment:
#   BENCH_DATA=data          where train/dev/test.jsonl and corpus/ live
#   BENCH_SETS="all davidson ..."  only these data sets (default: all of them)
#   BENCH_CAP_TRAIN=N        cap the training split of the combined set "all"
#   BENCH_JOBS=2             parallel label jobs inside each peer
#   BENCH_SKIP="ft sk"       skip systems (mo, ft, sk), keeping their earlier results
# Results: $BUILD/bench/accuracy/<set>/ and the Markdown table
# $BUILD/bench/accuracy/accuracy.md (also printed).
set -u

BUILD=${1:-build}
MO=$BUILD/moderato
PY=/usr/bin/python3
DATA=${BENCH_DATA:-data}
OUT=$BUILD/bench/accuracy
JOBS=${BENCH_JOBS:-2}
SKIP=${BENCH_SKIP:-}
HERE=$(dirname "$0")

if ! $PY -c 'import sklearn' 2>/dev/null; then
    echo "accuracy: $PY has no scikit-learn (apt-get install python3-sklearn)" >&2
    exit 1
fi
if [ ! -f "$DATA/train.jsonl" ]; then
    echo "accuracy: $DATA/train.jsonl missing (run scripts/import_data.py)" >&2
    exit 1
fi
mkdir -p "$OUT"

now() { date +%s.%N; }
elapsed() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }
skip() { case " $SKIP " in *" $1 "*) return 0 ;; esac; return 1; }

sets="all"
for f in "$DATA"/corpus/*.jsonl; do
    [ -f "$f" ] || continue
    sets="$sets $(basename "$f" .jsonl)"
done
[ -f "$DATA/corpus/davidson.jsonl" ] && sets="$sets davidson-3class"
[ -n "${BENCH_SETS:-}" ] && sets=$BENCH_SETS

T_ALL=$(now)
for ds in $sets; do
    d=$OUT/$ds
    # With BENCH_SKIP, the skipped systems' earlier results are kept (only valid
    # while the data and the split are unchanged).
    [ -z "$SKIP" ] && rm -rf "$d"
    mkdir -p "$d"
    case $ds in
    all)
        $PY "$HERE/split.py" "$d" --train "$DATA/train.jsonl" --dev "$DATA/dev.jsonl" \
            --test "$DATA/test.jsonl" ${BENCH_CAP_TRAIN:+--cap-train "$BENCH_CAP_TRAIN"} ;;
    davidson-3class)
        $PY "$HERE/split.py" "$d" "$DATA/corpus/davidson.jsonl" --class3 ;;
    *)
        $PY "$HERE/split.py" "$d" "$DATA/corpus/$ds.jsonl" ;;
    esac || { echo "accuracy: $ds: split failed" >&2; continue; }
    labels=$(cat "$d/labels.txt")
    # Davidson's three classes are mutually exclusive: moderato learns them as
    # --classes (one predicted class, weights fitted on dev for macro-F1) and
    # the peers' dev scores get the same weight fit in bench/macro_f1.py.
    classes=
    [ "$ds" = davidson-3class ] && classes="--classes c_hate,c_offensive,c_neither"
    if [ -z "$labels" ]; then
        echo "accuracy: $ds: no label with both classes in train/dev/test; skipped" >&2
        continue
    fi
    [ -f "$d/times.tsv" ] && for s in mo ft sk; do skip $s || sed -i "/^$s\t/d" "$d/times.tsv"; done
    touch "$d/times.tsv"

    if ! skip mo; then
        if [ -x "$MO" ]; then
            t=$(now)
            if "$MO" train --data "$d/train.jsonl" --dev "$d/dev.jsonl" -o "$d/mo.momd" \
                --seed 1 --labels "$labels" $classes 2> "$d/mo.train.log"; then
                printf 'mo\ttrain\t%s\n' "$(elapsed "$t")" >> "$d/times.tsv"
                "$MO" eval --model "$d/mo.momd" --data "$d/test.jsonl" --json > "$d/mo.eval.json" \
                    || echo "accuracy: $ds: moderato eval failed" >&2
                # The same model re-thresholded at its best-F1 threshold on dev,
                # the rule the peers use: "mb" in the tables.
                "$MO" classify --model "$d/mo.momd" --input "$d/dev.jsonl" > "$d/mo.dev.pred.jsonl" &&
                "$MO" classify --model "$d/mo.momd" --input "$d/test.jsonl" > "$d/mo.pred.jsonl" &&
                $PY "$HERE/dev_threshold.py" "$d/dev.jsonl" "$d/mo.dev.pred.jsonl" "$d/mo.pred.jsonl" \
                    "$d/mb.pred.jsonl" "$labels" &&
                "$MO" eval --data "$d/test.jsonl" --predictions "$d/mb.pred.jsonl" --json \
                    > "$d/mb.eval.json" || echo "accuracy: $ds: moderato re-threshold failed" >&2
                if [ "$ds" = davidson-3class ]; then
                    $PY "$HERE/macro_f1.py" "$d/test.jsonl" "$d/mo.pred.jsonl" > "$d/mo.class3.json"
                fi
            else
                echo "accuracy: $ds: moderato train failed:" >&2
                tail -3 "$d/mo.train.log" >&2
            fi
        else
            echo "accuracy: $MO not built; moderato column left empty" >&2
        fi
    fi
    for s in ft sk; do
        skip $s && continue
        if [ $s = ft ]; then peer=peer_fasttext.py; else peer=peer_sklearn.py; fi
        t=$(now)
        devout=
        [ -n "$classes" ] && devout="--dev-output $d/$s.dev.pred.jsonl"
        if $PY "$HERE/$peer" --train "$d/train.jsonl" --dev "$d/dev.jsonl" --test "$d/test.jsonl" \
            --labels "$labels" -o "$d/$s.pred.jsonl" --jobs "$JOBS" $devout 2> "$d/$s.log"; then
            printf '%s\ttrain+predict\t%s\n' $s "$(elapsed "$t")" >> "$d/times.tsv"
            if [ -x "$MO" ]; then
                "$MO" eval --data "$d/test.jsonl" --predictions "$d/$s.pred.jsonl" --json \
                    > "$d/$s.eval.json" || echo "accuracy: $ds: eval of $s failed" >&2
            fi
            if [ "$ds" = davidson-3class ]; then
                $PY "$HERE/macro_f1.py" "$d/test.jsonl" "$d/$s.pred.jsonl" \
                    "$d/dev.jsonl" "$d/$s.dev.pred.jsonl" > "$d/$s.class3.json"
            fi
        else
            echo "accuracy: $ds: $peer failed:" >&2
            tail -3 "$d/$s.log" >&2
        fi
    done
    # Paired bootstrap of moderato (at its best-F1-on-dev thresholds, the
    # peers' rule) against each peer: which gaps are significant.
    for s in ft sk; do
        [ -f "$d/mb.pred.jsonl" ] && [ -f "$d/$s.pred.jsonl" ] &&
            "$MO" eval --data "$d/test.jsonl" --compare-predictions "$d/mb.pred.jsonl" \
                "$d/$s.pred.jsonl" --json > "$d/cmp.$s.json" 2> /dev/null
    done
    echo "accuracy: $ds done ($(cat "$d/times.tsv" | awk -F'\t' '{printf "%s %.0fs  ", $1, $3}'))" >&2
done
echo "accuracy: total $(elapsed "$T_ALL") s" >&2

{
    echo "<!-- generated by bench/accuracy.sh on $(date -u +%Y-%m-%d), $(nproc) CPUs:" \
        "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') -->"
    $PY "$HERE/table.py" "$OUT"
} > "$OUT/accuracy.md"
cat "$OUT/accuracy.md"
