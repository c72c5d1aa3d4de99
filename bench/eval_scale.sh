#!/bin/sh
# Time and peak memory of `moderato eval` on a large synthetic set
# (docs/EVALUATION.md, "Bootstrap"): N items (default 100000) x 7 labels, 10%
# positives, random lang among en/de/pt, scores of a noisy system in a
# predictions file; the whole command with --json and --slice lang, timed by
# /usr/bin/time -v (wall, user CPU, peak RSS).
#
#   sh bench/eval_scale.sh [BUILD] [N]
set -eu
BUILD=${1:-build}
N=${2:-100000}
OUT=$BUILD/bench/eval_scale
mkdir -p "$OUT"
/usr/bin/python3 - "$OUT" "$N" <<'PY'
import json, random, sys
out, n = sys.argv[1], int(sys.argv[2])
r = random.Random(1)
L = ["hate", "harassment", "sexual", "self_harm", "violence", "spam", "profanity"]
with open(out + "/data.jsonl", "w") as d, open(out + "/pred.jsonl", "w") as p:
    for i in range(n):
        y = {k: (1 if r.random() < 0.1 else 0) for k in L}
        d.write(json.dumps({"id": "i%d" % i, "text": "x", "labels": y,
                            "lang": r.choice(["en", "de", "pt"])}) + "\n")
        p.write(json.dumps({"id": "i%d" % i, "scores": {
            k: round(min(1, max(0, r.random() * 0.6 + 0.4 * y[k])), 4) for k in L}}) + "\n")
PY
/usr/bin/time -v "$BUILD/moderato" eval --data "$OUT/data.jsonl" --predictions "$OUT/pred.jsonl" \
    --json --slice lang > "$OUT/eval.json" 2> "$OUT/time.txt"
grep -E "Elapsed|User time|Maximum resident" "$OUT/time.txt"
