#!/bin/sh
# End-to-end throughput of `moderato moderate` with the shipped configuration
# on real comments (the throughput bench's input.jsonl: texts from data/),
# whole process, one thread and all threads, plus the in-process per-item
# latency (p50/p99 of the decisions' latency_us).
#   sh bench/moderate.sh [BUILD]     (run bench/throughput.sh first for the input)
set -eu
BUILD=${1:-build}
IN=$BUILD/bench/throughput/input.jsonl
[ -f "$IN" ] || { echo "moderate bench: $IN missing (run sh bench/throughput.sh)" >&2; exit 1; }
OUT=$BUILD/bench/moderate
mkdir -p "$OUT"
n=$(wc -l < "$IN")
for t in 1 $(nproc); do
    best=""
    for run in 1 2 3; do
        s=$(date +%s.%N)
        "$BUILD/moderato" moderate --threads "$t" < "$IN" > "$OUT/out.$t.jsonl"
        e=$(date +%s.%N)
        w=$(echo "$e - $s" | bc)
        if [ -z "$best" ] || [ "$(echo "$w < $best" | bc)" = 1 ]; then best=$w; fi
    done
    echo "threads $t: $n items in $best s (fastest of 3) = $(echo "$n / $best" | bc) items/s"
done
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
