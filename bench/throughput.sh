#!/bin/sh
# Throughput, peak memory and training time of moderato against fastText.
#
#   sh bench/throughput.sh [BUILD]          (BUILD defaults to build)
#
# Input: the texts of data/test.jsonl then data/train.jsonl (newlines inside a
# text become spaces), repeated until BENCH_LINES lines (default 150000),
# written once as raw text lines (input.txt) and as JSON Lines (input.jsonl).
# Every timing is a whole process (start, model load, read, score, write to
# /dev/null), one thread unless said otherwise, measured with hyperfine
# (BENCH_RUNS runs after one warm-up; medians) or, without hyperfine, the
# median of BENCH_RUNS runs timed with date.
#
# moderato: the shipped model (models/default.momd, 7 labels, 2^21 buckets,
# word 1-2 grams + char 2-5 grams).  fastText: one `-loss one-vs-all` model
# over the same 7 labels trained on the same data/train.jsonl with comparable
# features (-wordNgrams 2 -minn 3 -maxn 5 -dim 50 -bucket 2000000 -thread 1
# -seed 1; an item's unknown labels count as absent, which does not matter for
# speed), run as `fasttext predict-prob MODEL input.txt 7` so it, too, writes
# all seven probabilities.  Peak RSS from /usr/bin/time -v.  Training time:
# moderato's default recipe (scripts/build-model.sh) vs fastText with the same
# number of epochs moderato ran, both single-threaded.
#
# On a shared machine wall times are noisy: the summary also gives the fastest
# run and CPU time (user+sys), and ratios by both.
# Results: $BUILD/bench/throughput/ and the Markdown summary
# $BUILD/bench/throughput/throughput.md (bench/throughput_summary.py; printed).
set -eu

BUILD=${1:-build}
MO=$BUILD/moderato
DATA=${BENCH_DATA:-data}
MODEL=${BENCH_MODEL:-models/default.momd}
LINES=${BENCH_LINES:-150000}
RUNS=${BENCH_RUNS:-5}
OUT=$BUILD/bench/throughput
PY=/usr/bin/python3
FT_LABELS=hate,harassment,sexual,self_harm,violence,spam,profanity

for x in "$MO" "$MODEL" "$DATA/train.jsonl" "$DATA/test.jsonl"; do
    [ -e "$x" ] || { echo "throughput: $x missing" >&2; exit 1; }
done
command -v fasttext >/dev/null || { echo "throughput: fasttext missing (apt-get install fasttext)" >&2; exit 1; }
mkdir -p "$OUT"

# ---- input files ----------------------------------------------------------
$PY - "$DATA/test.jsonl" "$DATA/train.jsonl" "$LINES" "$OUT" <<'EOF'
import json, sys
test, train, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
texts = []
for p in (test, train):
    with open(p, encoding="utf-8") as f:
        for l in f:
            if l.strip():
                t = " ".join(json.loads(l)["text"].split())
                if t:
                    texts.append(t)
with open(out + "/input.txt", "w", encoding="utf-8") as ft, \
     open(out + "/input.jsonl", "w", encoding="utf-8") as fj:
    for i in range(n):
        t = texts[i % len(texts)]
        ft.write(t + "\n")
        fj.write(json.dumps({"id": "t%d" % i, "text": t}, ensure_ascii=False) + "\n")
EOF
: > "$OUT/empty.txt"
BYTES=$(wc -c < "$OUT/input.txt")

# ---- fastText model on the same data --------------------------------------
# Train first with moderato's recipe to learn how many epochs it runs.
/usr/bin/time -v "$MO" train --data "$DATA/train.jsonl" --dev "$DATA/dev.jsonl" \
    -o "$OUT/mo-train.momd" --seed 1 --labels "$FT_LABELS" 2> "$OUT/mo-train.log"
EPOCHS=$(sed -n 's/.*best epoch [0-9]* of \([0-9]*\).*/\1/p' "$OUT/mo-train.log" | tail -1)
[ -n "$EPOCHS" ] || EPOCHS=25
$PY - "$DATA/train.jsonl" "$OUT/ft-train.txt" "$FT_LABELS" <<'EOF'
import json, re, sys
src, dst, labels = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
punct = re.compile(r"([.!?,'/()\"])")
with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as o:
    for l in f:
        if not l.strip():
            continue
        r = json.loads(l)
        pos = [k for k in labels if (r.get("labels") or {}).get(k) == 1]
        tags = " ".join("__label__" + k for k in pos) or "__label__none"
        o.write(tags + " " + " ".join(punct.sub(r" \1 ", r["text"].lower()).split()) + "\n")
EOF
/usr/bin/time -v fasttext supervised -input "$OUT/ft-train.txt" -output "$OUT/ft" \
    -loss one-vs-all -wordNgrams 2 -minn 3 -maxn 5 -dim 50 -bucket 2000000 \
    -epoch "$EPOCHS" -lr 0.5 -thread 1 -seed 1 -verbose 0 2> "$OUT/ft-train.log"


# ---- timed commands ---------------------------------------------------------
MO_TEXT="$MO classify --model $MODEL --format text --threads 1 --input $OUT/input.txt"
MO_JSONL="$MO classify --model $MODEL --threads 1 --input $OUT/input.jsonl"
MO_ALL="$MO classify --model $MODEL --format text --input $OUT/input.txt"
FT_PRED="fasttext predict-prob $OUT/ft.bin $OUT/input.txt 7"
MO_LOAD="$MO classify --model $MODEL --format text --threads 1 --input $OUT/empty.txt"
FT_LOAD="fasttext predict-prob $OUT/ft.bin $OUT/empty.txt 7"

# Sanity: both answer every line.
n_mo=$($MO_TEXT | wc -l)
n_ft=$($FT_PRED | wc -l)
[ "$n_mo" = "$LINES" ] || { echo "throughput: moderato wrote $n_mo lines for $LINES" >&2; exit 1; }
[ "$n_ft" = "$LINES" ] || echo "throughput: note: fasttext wrote $n_ft lines for $LINES" >&2

: > "$OUT/times.tsv"
if command -v hyperfine >/dev/null; then
    hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/hyperfine.json" \
        -n mo_text "$MO_TEXT" -n mo_jsonl "$MO_JSONL" -n mo_all "$MO_ALL" -n ft "$FT_PRED" \
        -n mo_load "$MO_LOAD" -n ft_load "$FT_LOAD" >&2
    $PY - "$OUT/hyperfine.json" >> "$OUT/times.tsv" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%s\t%.4f\t%.4f\t%.4f" % (r["command"], r["median"], r["user"] + r["system"], r["min"]))
EOF
else
    for pair in "mo_text|$MO_TEXT" "mo_jsonl|$MO_JSONL" "mo_all|$MO_ALL" "ft|$FT_PRED" \
                "mo_load|$MO_LOAD" "ft_load|$FT_LOAD"; do
        name=${pair%%|*}
        cmd=${pair#*|}
        $cmd > /dev/null
        i=0
        : > "$OUT/$name.runs"
        while [ $i -lt "$RUNS" ]; do
            t0=$(date +%s.%N)
            $cmd > /dev/null
            echo "$(date +%s.%N) $t0" | awk '{printf "%.4f\n", $1 - $2}' >> "$OUT/$name.runs"
            i=$((i + 1))
        done
        med=$(sort -n "$OUT/$name.runs" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        min=$(sort -n "$OUT/$name.runs" | head -1)
        printf '%s\t%s\tnan\t%s\n' "$name" "$med" "$min" >> "$OUT/times.tsv"
    done
fi
/usr/bin/time -v $MO_TEXT > /dev/null 2> "$OUT/mo.rss"
/usr/bin/time -v $MO_JSONL > /dev/null 2> "$OUT/mo_jsonl.rss"
/usr/bin/time -v $FT_PRED > /dev/null 2> "$OUT/ft.rss"

# ---- summary -----------------------------------------------------------------
$PY "$(dirname "$0")/throughput_summary.py" "$OUT" "$MODEL" "$DATA/train.jsonl" "$RUNS" \
    > "$OUT/throughput.md"
cat "$OUT/throughput.md"
