#!/bin/sh
# End-to-end throughput of `moderato moderate` with the shipped configuration
# on real comments (the throughput bench's input.jsonl: texts from data/),
# whole process, one thread and all threads, plus the in-process per-item
# latency (p50/p99 of the decisions' latency_us).
#   sh bench/moderate.sh [BUILD [BASELINE_BINARY]]
#     (run bench/throughput.sh first for the input)
# Each figure is the best of BENCH_RUNS runs (default 3): items/s from the
# wall time, and CPU time (user+sys) per item, the honest per-core figure on
# a busy machine. With BASELINE_BINARY (e.g. a build of main), the two
# binaries run alternately so both see the same machine load.
set -eu
BUILD=${1:-build}
BASE=${2:-}
RUNS=${BENCH_RUNS:-3}
IN=$BUILD/bench/throughput/input.jsonl
[ -f "$IN" ] || { echo "moderate bench: $IN missing (run sh bench/throughput.sh)" >&2; exit 1; }
OUT=$BUILD/bench/moderate
mkdir -p "$OUT"
n=$(wc -l < "$IN")
bins="$BUILD/moderato"
[ -n "$BASE" ] && bins="$BASE $bins"
for t in 1 $(nproc); do
    for b in $bins; do echo "" > "$OUT/best.$(echo "$b" | tr / _)"; done
    for run in $(seq "$RUNS"); do
        for b in $bins; do
            f="$OUT/best.$(echo "$b" | tr / _)"
            /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" \
                "$b" moderate --threads "$t" < "$IN" > "$OUT/out.$t.jsonl"
            read -r w u s < "$OUT/time.txt"
            c=$(echo "$u + $s" | bc)
            read -r bw bc_ < "$f" || true
            if [ -z "${bw:-}" ] || [ "$(echo "$w < $bw" | bc)" = 1 ]; then bw=$w; fi
            if [ -z "${bc_:-}" ] || [ "$(echo "$c < $bc_" | bc)" = 1 ]; then bc_=$c; fi
            echo "$bw $bc_" > "$f"
        done
    done
    for b in $bins; do
        read -r bw bc_ < "$OUT/best.$(echo "$b" | tr / _)"
        echo "$b threads $t: $n items in $bw s wall (best of $RUNS) = $(echo "$n / $bw" | bc) items/s;" \
             "CPU $bc_ s = $(echo "scale=2; $bc_ * 1000000 / $n" | bc) us/item"
    done
done
"$BUILD/moderato" moderate --threads 1 < "$IN" > "$OUT/out.1.jsonl"
python3 - "$OUT/out.1.jsonl" <<'PY'
import json, sys
lat = sorted(json.loads(l)["latency_us"] for l in open(sys.argv[1]))
acts = {}
for l in open(sys.argv[1]):
    a = json.loads(l)["action"]; acts[a] = acts.get(a, 0) + 1
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print("in-process latency per item (1 thread): p50 %d us, p99 %d us, max %d us" % (p(0.5), p(0.99), lat[-1]))
print("actions:", json.dumps(dict(sorted(acts.items()))))
PY
