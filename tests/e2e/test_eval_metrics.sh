#!/bin/sh
# End-to-end tests of the newer `moderato eval` metrics on synthetic data:
# recall at precision 0.90/0.95 and micro averages (JSON, table, HTML), the
# argmax confusion matrix of mutually exclusive labels (detected, --classes,
# errors, HTML heatmap), cross-checked against scikit-learn when
# /usr/bin/python3 has it; the replicates in --json and the paired bootstrap
# of --compare A.json B.json, which must agree with --compare-predictions on
# the same two systems, and say when two runs cannot be paired.
. tests/e2e/lib/common.sh

# Davidson-like data: c_hate / c_offensive / c_neither exclusive (some items
# with a class unknown), a system A and a noisier system B.
python3 - "$T" <<'PY'
import json, random, sys
d = sys.argv[1]
rnd = random.Random(17)
C = ["c_hate", "c_offensive", "c_neither"]
with open(f"{d}/mc.jsonl", "w") as f, open(f"{d}/mc_a.jsonl", "w") as a, \
     open(f"{d}/mc_b.jsonl", "w") as b, open(f"{d}/mcx.jsonl", "w") as x:
    for i in range(900):
        t = rnd.choices(range(3), weights=[1, 5, 3])[0]
        lab = {c: int(k == t) for k, c in enumerate(C)}
        if i % 50 == 7:
            lab["c_hate"] = None                       # partly unknown: left out
        f.write(json.dumps({"id": i, "text": "x", "labels": lab}) + "\n")
        # an extra label that overlaps the classes: nothing is detected then
        lab2 = dict(lab, toxic=int(t < 2 or rnd.random() < 0.1))
        if i == 3:
            lab2["c_offensive"] = lab2["c_neither"] = 0  # fully known, no positive
            lab2["c_hate"] = 0
        x.write(json.dumps({"id": i, "text": "x", "labels": lab2}) + "\n")
        for out, noise in ((a, 0.25), (b, 0.4)):
            sc = {c: round(min(1, max(0, (0.6 if k == t else 0.2) + rnd.gauss(0, noise))), 3)
                  for k, c in enumerate(C)}
            sc["toxic"] = round(min(1, max(0, (0.7 if t < 2 else 0.3) + rnd.gauss(0, noise))), 3)
            r = {"id": i, "scores": sc}
            if i == 0:
                r["thresholds"] = {"c_hate": 0.45, "c_offensive": 0.5, "c_neither": 0.55}
            out.write(json.dumps(r) + "\n")
PY

# 1. Detected multi-class group: table, JSON, HTML heatmap.
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mc.jsonl" --bootstrap 200 \
    --html "$T/mc.html" > "$T/mc.txt"
grep -q "^multi-class (detected, argmax of the scores): 882 items" "$T/mc.txt" ||
    { cat "$T/mc.txt"; fail "multi-class table"; }
grep -q "^micro " "$T/mc.txt" || fail "micro row"
grep -q "R@P90 *R@P95" "$T/mc.txt" || fail "recall at precision columns"
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mc.jsonl" --bootstrap 200 --json > "$T/a.json"
python3 - "$T/a.json" "$T/mc.html" <<'PY' || fail "multi-class JSON / HTML"
import json, re, sys
j = json.load(open(sys.argv[1]))
m = j["groups"]["all"]["multiclass"]
assert m["classes"] == ["c_hate", "c_neither", "c_offensive"] and m["detected"] is True, m
assert m["n_items"] == 882 and m["n_not_exclusive"] == 0
cm = m["confusion"]
assert sum(map(sum, cm)) == 882
assert abs(m["accuracy"] - sum(cm[i][i] for i in range(3)) / 882) < 1e-4
for i, c in enumerate(m["classes"]):
    assert m["per_class"][c]["support"] == sum(cm[i])
h = open(sys.argv[2], encoding="utf-8").read()
assert "Multi-class: argmax over c_hate, c_neither, c_offensive" in h
assert "Confusion (argmax): true rows, predicted columns" in h
assert ">R@P90</th>" in h and "<td>micro</td>" in h
assert not re.search(r'(?<![a-z])(nan|inf)(?![a-z])', h, re.I)
for tag in ("svg", "table", "text", "tr"):
    assert len(re.findall(r'<%s[\s>]' % tag, h)) == h.count("</%s>" % tag), tag
PY

# 2. With an overlapping label nothing is detected; --classes names the group.
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mcx.jsonl" --bootstrap 0 > "$T/x.txt"
grep -q "multi-class" "$T/x.txt" && fail "multi-class detected despite an overlapping label"
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mcx.jsonl" --bootstrap 0 --json |
    python3 -c "import json,sys; assert 'multiclass' not in json.load(sys.stdin)['groups']['all']" ||
    fail "multiclass in JSON without a group"
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mcx.jsonl" --bootstrap 0 \
    --classes c_hate,c_offensive,c_neither --json > "$T/x.json"
python3 - "$T/x.json" "$T/a.json" <<'PY' || fail "--classes"
import json, sys
x, a = (json.load(open(p))["groups"]["all"]["multiclass"] for p in sys.argv[1:3])
assert x["classes"] == ["c_hate", "c_offensive", "c_neither"] and x["detected"] is False
assert x["n_items"] == 881 and x["n_not_exclusive"] == 1, x
PY
set +e
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mcx.jsonl" --classes c_hate,nope 2> "$T/e1"
rc1=$?
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mcx.jsonl" --classes c_hate 2> "$T/e2"
rc2=$?
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mcx.jsonl" --classes c_hate,c_hate 2> "$T/e3"
rc3=$?
set -e
[ $rc1 = 2 ] && grep -q "no label 'nope'" "$T/e1" || fail "--classes with an unknown label"
[ $rc2 = 2 ] && grep -q "at least two" "$T/e2" || fail "--classes with one label"
[ $rc3 = 2 ] && grep -q "given twice" "$T/e3" || fail "--classes with a duplicate"

# 3. scikit-learn: confusion matrix, accuracy, macro-F1; recall at precision;
#    micro averages (all labels known here, so average="micro" applies as is).
if /usr/bin/python3 -c "import sklearn.metrics" 2>/dev/null; then
    /usr/bin/python3 - "$T/mcx.jsonl" "$T/mc_a.jsonl" "$T/x.json" <<'PY' || fail "sklearn multi-class / micro"
import json, sys
import numpy as np
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix, f1_score,
                             precision_recall_curve, precision_recall_fscore_support, roc_auc_score)
data = [json.loads(l) for l in open(sys.argv[1])]
pl = [json.loads(l) for l in open(sys.argv[2])]
pred = {p["id"]: p["scores"] for p in pl}
th = dict({"toxic": 0.5}, **pl[0]["thresholds"])
out = json.load(open(sys.argv[3]))["groups"]["all"]
C = ["c_hate", "c_offensive", "c_neither"]
rows = [o for o in data if all(o["labels"][c] is not None for c in C) and
        sum(o["labels"][c] for c in C) == 1]
yt = [[o["labels"][c] for c in C].index(1) for o in rows]
yp = [int(np.argmax([pred[o["id"]][c] for c in C])) for o in rows]
m = out["multiclass"]
assert m["confusion"] == confusion_matrix(yt, yp, labels=[0, 1, 2]).tolist(), m["confusion"]
assert abs(m["accuracy"] - accuracy_score(yt, yp)) < 1e-4
assert abs(m["macro_f1"] - f1_score(yt, yp, average="macro")) < 1e-4, (m["macro_f1"], f1_score(yt, yp, average="macro"))
labels = sorted(out["labels"])
full = [o for o in data if all(o["labels"][k] is not None for k in labels)]
Y = np.array([[o["labels"][k] for k in labels] for o in full])
S = np.array([[pred[o["id"]][k] for k in labels] for o in full])
# micro over the known pairs; items with an unknown label add their known pairs
known = [(o["labels"][k], pred[o["id"]][k], th[k]) for o in data for k in labels
         if o["labels"][k] is not None]
yk, sk = [a for a, _, _ in known], [b for _, b, _ in known]
ap, auc = average_precision_score(yk, sk), roc_auc_score(yk, sk)
assert abs(out["micro_pr_auc"] - ap) <= 1e-4, (out["micro_pr_auc"], ap)
assert abs(out["micro_roc_auc"] - auc) <= 1e-4, (out["micro_roc_auc"], auc)
p, r, f, _ = precision_recall_fscore_support(yk, [int(s >= t) for _, s, t in known], average="binary")
for name, v in (("micro_precision", p), ("micro_recall", r), ("micro_f1", f)):
    assert abs(out[name] - v) <= 1e-4, (name, out[name], v)
# without unknowns, the same as scikit-learn's average="micro" on the matrix
assert len(full) == len(data) - 18
print("sklearn micro (known pairs):", ap, auc, "average=micro on full items:",
      average_precision_score(Y, S, average="micro"), roc_auc_score(Y, S, average="micro"))
for k in labels:
    ys = [(o["labels"][k], pred[o["id"]][k]) for o in data if o["labels"][k] is not None]
    prec, rec, _ = precision_recall_curve([a for a, _ in ys], [b for _, b in ys])
    for p_, key in ((0.9, "recall_at_p90"), (0.95, "recall_at_p95")):
        want = max(rec[prec >= p_])
        assert abs(out["labels"][k][key] - want) <= 1e-4, (k, key, out["labels"][k][key], want)
print("sklearn multi-class, micro and recall@precision: ok")
PY
    # average="micro" itself, on a copy of the data without unknown labels
    python3 - "$T/mcx.jsonl" "$T/full.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as g:
    for l in open(sys.argv[1]):
        o = json.loads(l)
        if all(v is not None for v in o["labels"].values()):
            g.write(l)
PY
    "$M" eval --predictions "$T/mc_a.jsonl" --data "$T/full.jsonl" --bootstrap 0 --json > "$T/full.json" 2>/dev/null ||
        fail "eval of the fully known copy"
    /usr/bin/python3 - "$T/full.jsonl" "$T/mc_a.jsonl" "$T/full.json" <<'PY' || fail "sklearn average=micro"
import json, sys
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
data = [json.loads(l) for l in open(sys.argv[1])]
pred = {json.loads(l)["id"]: json.loads(l)["scores"] for l in open(sys.argv[2])}
out = json.load(open(sys.argv[3]))["groups"]["all"]
labels = sorted(out["labels"])
Y = np.array([[o["labels"][k] for k in labels] for o in data])
S = np.array([[pred[o["id"]][k] for k in labels] for o in data])
ap, auc = average_precision_score(Y, S, average="micro"), roc_auc_score(Y, S, average="micro")
assert abs(out["micro_pr_auc"] - ap) <= 1e-4, (out["micro_pr_auc"], ap)
assert abs(out["micro_roc_auc"] - auc) <= 1e-4, (out["micro_roc_auc"], auc)
PY
else
    echo "SKIP: sklearn cross-check (/usr/bin/python3 has no sklearn; apt-get install python3-sklearn)"
fi

# 4. Replicates and --compare significance agree with --compare-predictions.
"$M" eval --predictions "$T/mc_b.jsonl" --data "$T/mc.jsonl" --bootstrap 200 --json > "$T/b.json"
"$M" eval --compare "$T/a.json" "$T/b.json" --json > "$T/cmp.json"
"$M" eval --compare "$T/a.json" "$T/b.json" > "$T/cmp.txt"
grep -q "^paired bootstrap over the runs' replicates" "$T/cmp.txt" || { cat "$T/cmp.txt"; fail "--compare not paired"; }
grep -q "95% CI of B-A" "$T/cmp.txt" || fail "--compare CI column"
"$M" eval --compare-predictions "$T/mc_a.jsonl" "$T/mc_b.jsonl" --data "$T/mc.jsonl" \
    --bootstrap 200 --json > "$T/cmpp.json"
python3 - "$T/cmp.json" "$T/cmpp.json" "$T/a.json" <<'PY' || fail "--compare disagrees with --compare-predictions"
import json, sys
c, p, a = (json.load(open(x)) for x in sys.argv[1:4])
assert c["paired"] is True and c["bootstrap"]["resamples"] == 200
assert a["bootstrap"]["replicates"] == "b64q4"
reps = a["groups"]["all"]["replicates"]
assert set(reps["c_hate"]) == {"pr_auc", "roc_auc", "precision", "recall", "f1"}
assert len(reps["c_hate"]["pr_auc"]) == 3 * 200
n = sig = 0
for label, rows in p["labels"].items():
    for metric, r in rows.items():
        q = c["groups"]["all"][label][metric]
        assert abs(q["diff"] - r["diff"]) <= 2e-4, (label, metric, q, r)
        if r["ci"] is None:
            assert q["ci"] is None, (label, metric, q)
            continue
        for u, v in zip(q["ci"], r["ci"]):
            assert abs(u - v) <= 3e-4, (label, metric, q["ci"], r["ci"])
        if min(abs(x) for x in r["ci"]) > 3e-4:
            assert q["significant"] == r["significant"], (label, metric, q, r)
        sig += r["significant"]
        n += 1
assert n >= 15 and sig >= 1, (n, sig)
# metrics without replicates carry no interval
assert c["groups"]["all"]["c_hate"]["ece"]["ci"] is None
assert c["groups"]["all"]["c_hate"]["ece"]["significant"] is None
PY

# 5. Runs that cannot be paired say why; --no-replicates leaves them out.
"$M" eval --predictions "$T/mc_b.jsonl" --data "$T/mc.jsonl" --bootstrap 200 --seed 5 --json > "$T/b5.json"
"$M" eval --compare "$T/a.json" "$T/b5.json" > "$T/np.txt"
grep -q "^not paired: different bootstrap seeds (20261125 and 5)" "$T/np.txt" || { cat "$T/np.txt"; fail "seed mismatch"; }
grep -q '\*$' "$T/np.txt" && fail "unpaired compare marked a difference"
"$M" eval --predictions "$T/mc_b.jsonl" --data "$T/mcx.jsonl" --bootstrap 200 --json > "$T/bx.json"
"$M" eval --compare "$T/a.json" "$T/bx.json" | grep -q "^not paired: different data" || fail "data mismatch"
"$M" eval --predictions "$T/mc_b.jsonl" --data "$T/mc.jsonl" --bootstrap 100 --json > "$T/b100.json"
"$M" eval --compare "$T/a.json" "$T/b100.json" | grep -q "^not paired: different resample counts" ||
    fail "resample count mismatch"
"$M" eval --predictions "$T/mc_b.jsonl" --data "$T/mc.jsonl" --bootstrap 200 --no-replicates \
    --json > "$T/bn.json"
python3 - "$T/bn.json" "$T/b.json" <<'PY' || fail "--no-replicates"
import json, os, sys
n, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert n["bootstrap"]["replicates"] is None and "replicates" not in n["groups"]["all"]
assert n["groups"]["all"]["labels"] == b["groups"]["all"]["labels"]
assert os.path.getsize(sys.argv[1]) < os.path.getsize(sys.argv[2])
PY
"$M" eval --compare "$T/a.json" "$T/bn.json" --json | python3 -c "
import json, sys
c = json.load(sys.stdin)
assert c['paired'] is False and 'run B has no bootstrap replicates' in c['paired_reason'], c['paired_reason']
" || fail "compare with a run without replicates"

# 6. Gates on the new fields: micro_* group fields and recall_at_p90.
echo '{"gates":[{"metric":"micro_pr_auc","max_drop":0.001},{"metric":"recall_at_p90","labels":["*"],"max_drop":0.5}]}' > "$T/g.json"
set +e
"$M" eval --predictions "$T/mc_b.jsonl" --data "$T/mc.jsonl" --bootstrap 0 --baseline "$T/a.json" \
    --gate "$T/g.json" > "$T/g.txt"
rc=$?
set -e
[ $rc = 4 ] || { cat "$T/g.txt"; fail "micro gate: expected exit 4, got $rc"; }
grep -q "^micro_pr_auc  *all  *-" "$T/g.txt" || { cat "$T/g.txt"; fail "micro_pr_auc not gated"; }
grep -q "^recall_at_p90" "$T/g.txt" && fail "recall_at_p90 within its tolerance listed as failed"
"$M" eval --predictions "$T/mc_a.jsonl" --data "$T/mc.jsonl" --bootstrap 0 --baseline "$T/a.json" \
    --gate "$T/g.json" | grep -q "all gates passed (4 gated values" || fail "gates on the same run"
echo "test_eval_metrics: ok"
