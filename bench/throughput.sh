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
# Results: $BUILD/bench/throughput/ and the Markdown summary
# $BUILD/bench/throughput/throughput.md (also printed).
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

wall() { sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" | awk -F: '{s=0; for(i=1;i<=NF;i++) s=s*60+$i; printf "%.1f", s}'; }
cpu() { awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.1f", s}' "$1"; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

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
    print("%s\t%.4f\t%.4f" % (r["command"], r["median"], r["user"] + r["system"]))
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
        printf '%s\t%s\tnan\n' "$name" "$med" >> "$OUT/times.tsv"
    done
fi
/usr/bin/time -v $MO_TEXT > /dev/null 2> "$OUT/mo.rss"
/usr/bin/time -v $MO_JSONL > /dev/null 2> "$OUT/mo_jsonl.rss"
/usr/bin/time -v $FT_PRED > /dev/null 2> "$OUT/ft.rss"

# ---- summary -----------------------------------------------------------------
$PY - "$OUT" "$LINES" "$BYTES" "$RUNS" "$(nproc)" "$EPOCHS" \
    "$(wall "$OUT/mo-train.log")" "$(cpu "$OUT/mo-train.log")" \
    "$(wall "$OUT/ft-train.log")" "$(cpu "$OUT/ft-train.log")" \
    "$(rss "$OUT/mo.rss")" "$(rss "$OUT/mo_jsonl.rss")" "$(rss "$OUT/ft.rss")" \
    "$(stat -c %s "$MODEL")" "$(stat -c %s "$OUT/ft.bin")" "$(grep -c . "$DATA/train.jsonl")" \
    > "$OUT/throughput.md" <<'EOF'
import sys, datetime
(out, lines, nbytes, runs, ncpu, epochs, mo_tw, mo_tc, ft_tw, ft_tc, mo_rss, moj_rss, ft_rss,
 mo_size, ft_size, n_train) = sys.argv[1:]
lines, nbytes = int(lines), int(nbytes)
t = {}
for l in open(out + "/times.tsv"):
    n, w, c = l.rstrip("\n").split("\t")
    t[n] = (float(w), float(c))
cpu = open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip()
def rate(n): return lines / t[n][0]
def net(n, load): return lines / max(t[n][0] - t[load][0], 1e-9)
print("<!-- generated by bench/throughput.sh on %s; %s CPUs: %s -->"
      % (datetime.date.today().isoformat(), ncpu, cpu))
print("Input: %d lines, %.1f MB; %s runs each, median wall time of the whole process.\n"
      % (lines, nbytes / 1e6, runs))
print("| ratio | value |")
print("|---|---:|")
print("| moderato text mode ÷ fastText predict-prob, lines/s, 1 thread | **%.2f×** |"
      % (rate("mo_text") / rate("ft")))
print("| same, model load subtracted (net scoring speed) | %.2f× |"
      % (net("mo_text", "mo_load") / net("ft", "ft_load")))
print("| moderato JSONL mode ÷ fastText, 1 thread | %.2f× |" % (rate("mo_jsonl") / rate("ft")))
print("| moderato all %s threads ÷ moderato 1 thread | %.2f× |"
      % (ncpu, rate("mo_all") / rate("mo_text")))
print("| fastText peak RSS ÷ moderato peak RSS | %.1f× |" % (int(ft_rss) / int(mo_rss)))
print("| fastText train time ÷ moderato train time (wall, same data, %s epochs) | %.2f× |"
      % (epochs, float(ft_tw) / float(mo_tw)))
print()
print("| command | median s | lines/s | MB/s | CPU s (user+sys, mean) |")
print("|---|---:|---:|---:|---:|")
names = {"mo_text": "moderato classify --format text --threads 1",
         "mo_jsonl": "moderato classify (JSONL) --threads 1",
         "mo_all": "moderato classify --format text (all %s threads)" % ncpu,
         "ft": "fasttext predict-prob ft.bin input.txt 7",
         "mo_load": "moderato, empty input (start + model load)",
         "ft_load": "fasttext, empty input (start + model load)"}
for n in ("mo_text", "mo_jsonl", "mo_all", "ft", "mo_load", "ft_load"):
    w, c = t[n]
    lps = "%.0f" % (lines / w) if not n.endswith("load") else "–"
    mbs = "%.1f" % (nbytes / w / 1e6) if not n.endswith("load") else "–"
    print("| %s | %.3f | %s | %s | %s |" % (names[n], w, lps, mbs, "%.2f" % c if c == c else "–"))
print()
print("| memory | peak RSS | model file |")
print("|---|---:|---:|")
print("| moderato classify, text mode, 1 thread | %.1f MB | %.1f MB |"
      % (int(mo_rss) / 1024, int(mo_size) / 1e6))
print("| moderato classify, JSONL mode, 1 thread | %.1f MB | |" % (int(moj_rss) / 1024))
print("| fasttext predict-prob | %.1f MB | %.1f MB |" % (int(ft_rss) / 1024, int(ft_size) / 1e6))
print()
print("| training (data/train.jsonl, %s items, 7 labels, %s epochs, 1 thread) | wall s | CPU s |"
      % (n_train, epochs))
print("|---|---:|---:|")
print("| moderato train (default recipe, incl. dev evaluation, calibration, quantization) | %s | %s |"
      % (mo_tw, mo_tc))
print("| fasttext supervised -loss one-vs-all | %s | %s |" % (ft_tw, ft_tc))
EOF
cat "$OUT/throughput.md"
