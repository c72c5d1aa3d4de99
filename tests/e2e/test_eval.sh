#!/bin/sh
# End-to-end tests of `moderato eval`: the shipped model against the committed
# baseline (docs/eval/baseline.json) under tests/gates/default.json (passes),
# a deliberately worse predictions file (fails with exit 4 and a table), the
# --json schema (CIs, sweep, fairness, array slices), determinism, --compare,
# --compare-predictions (paired bootstrap) and a cross-check of PR-AUC,
# ROC-AUC, recall at precision and micro averages against scikit-learn on
# random data with ties. Regenerates nothing. More: test_eval_metrics.sh.
. tests/e2e/lib/common.sh
BASE=docs/eval/baseline.json
GATES=tests/gates/default.json

# 1. The baseline must describe the shipped model and the test data.
"$M" eval --model models/default.momd --data data/test.jsonl --bootstrap 0 --json > "$T/now.json"
python3 - "$BASE" "$T/now.json" <<'PY' || fail "baseline does not match the shipped model or data"
import json, sys
b, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert b["schema"] == "moderato.eval/1", b["schema"]
for k in ("model_xxh64", "data_xxh64"):
    if b[k] != n[k]:
        print("=" * 72)
        print(f"docs/eval/baseline.json was made for another {k[:-6]}: {k} {b[k]}, now {n[k]}.")
        print("Gate the new model, then regenerate the baseline:  sh scripts/eval-baseline.sh")
        print("=" * 72)
        sys.exit(1)
PY

# 2. The shipped model passes its gates.
SL="--slice lang --slice source --slice identity --terms data/identity/terms.tsv"
"$M" eval --model models/default.momd --data data/test.jsonl $SL \
    --bootstrap 0 --baseline "$BASE" --gate "$GATES" > "$T/gate.txt" || {
    cat "$T/gate.txt"; fail "the shipped model fails its gates (exit $?)"; }
grep -q "all gates passed" "$T/gate.txt" || fail "no 'all gates passed' line"

# 3. A worse predictions file fails with exit 4 and says what regressed.
"$M" classify --model models/default.momd < data/test.jsonl > "$T/good.jsonl"
python3 - "$BASE" "$T/good.jsonl" "$T/good_t.jsonl" "$T/worse.jsonl" <<'PY'
import json, random, sys
base = json.load(open(sys.argv[1]))
th = {k: v["threshold"] for k, v in base["groups"]["all"]["labels"].items()}
rnd = random.Random(3)
with open(sys.argv[2]) as f, open(sys.argv[3], "w") as g, open(sys.argv[4], "w") as w:
    for i, line in enumerate(f):
        o = json.loads(line)
        r = {"id": o["id"], "scores": o["scores"]}
        if i == 0:
            r["thresholds"] = th
        g.write(json.dumps(r) + "\n")
        r["scores"] = {k: min(1.0, max(0.0, v + rnd.gauss(0, 0.2))) for k, v in o["scores"].items()}
        w.write(json.dumps(r) + "\n")
PY
set +e
"$M" eval --predictions "$T/worse.jsonl" --data data/test.jsonl $SL \
    --bootstrap 0 --baseline "$BASE" --gate "$GATES" > "$T/worse.txt" 2>&1
rc=$?
set -e
[ $rc = 4 ] || { cat "$T/worse.txt"; fail "worse predictions: expected exit 4, got $rc"; }
grep -q "GATES FAILED" "$T/worse.txt" || fail "no GATES FAILED table"
grep -q "^pr_auc .*all" "$T/worse.txt" || { cat "$T/worse.txt"; fail "pr_auc regression not listed"; }

# Gate misuse: --baseline without --gate is a usage error; a bad gate file exits 1.
set +e
"$M" eval --data data/test.jsonl --baseline "$BASE" 2>/dev/null; rc=$?
echo '{"gates":[{"metric":"pr_auc"}]}' > "$T/bad_gates.json"
"$M" eval --predictions "$T/good_t.jsonl" --data data/test.jsonl --bootstrap 0 \
    --baseline "$BASE" --gate "$T/bad_gates.json" > /dev/null 2>&1; rc2=$?
set -e
[ $rc = 2 ] || fail "--baseline without --gate: expected exit 2, got $rc"
[ $rc2 = 1 ] || fail "malformed gate file: expected exit 1, got $rc2"

# 4. --compare-predictions: the worse file is significantly worse somewhere.
"$M" eval --compare-predictions "$T/good_t.jsonl" "$T/worse.jsonl" --data data/test.jsonl \
    --bootstrap 200 --json > "$T/cmp.json"
"$M" eval --compare-predictions "$T/good_t.jsonl" "$T/worse.jsonl" --data data/test.jsonl \
    --bootstrap 200 > "$T/cmp.txt"
grep -q "95% CI of B-A" "$T/cmp.txt" || fail "compare-predictions table"
python3 - "$T/cmp.json" <<'PY' || fail "compare-predictions JSON"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["schema"] == "moderato.eval-compare/1" and c["bootstrap"]["paired"]
rows = [r for l in c["labels"].values() for r in l.values()]
sig = [r for r in rows if r["significant"]]
assert sig, "no significant difference found"
for r in sig:
    lo, hi = r["ci"]
    assert lo > 0 or hi < 0, r
assert c["labels"]["hate"]["pr_auc"]["significant"] and c["labels"]["hate"]["pr_auc"]["diff"] < 0
PY
# Same file twice: every difference 0, nothing significant.
"$M" eval --compare-predictions "$T/good_t.jsonl" "$T/good_t.jsonl" --data data/test.jsonl \
    --bootstrap 100 --json > "$T/same.json"
python3 -c "
import json, sys
c = json.load(open(sys.argv[1]))
for l in c['labels'].values():
    for r in l.values():
        assert not r['significant'] and r['diff'] in (0, None), r
" "$T/same.json" || fail "compare-predictions of a file with itself"

# 5. --compare of two JSON runs.
"$M" eval --predictions "$T/worse.jsonl" --data data/test.jsonl --bootstrap 0 --json > "$T/w.json"
"$M" eval --compare "$BASE" "$T/w.json" > "$T/cmpj.txt"
grep -q "^hate .*pr_auc" "$T/cmpj.txt" || fail "--compare table"
"$M" eval --compare "$BASE" "$T/w.json" --json | python3 -c "
import json, sys
c = json.load(sys.stdin)
r = c['groups']['all']['hate']['pr_auc']
assert abs(r['b'] - r['a'] - r['diff']) < 2e-4 and r['diff'] < 0, r
" || fail "--compare JSON"

# The baseline records bootstrap replicates: a fresh run of the shipped model
# pairs with it, and nothing differs.
"$M" eval --model models/default.momd --data data/test.jsonl $SL --json > "$T/same_model.json"
"$M" eval --compare "$BASE" "$T/same_model.json" --json | python3 -c "
import json, sys
c = json.load(sys.stdin)
assert c['paired'], c['paired_reason']
rows = [r for l in c['groups']['all'].values() for r in l.values()]
assert any(r['ci'] for r in rows)
assert not any(r['significant'] for r in rows), [r for r in rows if r['significant']]
" || fail "--compare of the baseline with the same model (run sh scripts/eval-baseline.sh?)"

# 6. Schema, CIs, sweep, fairness with a string and an array slice; determinism.
python3 - "$T/small.jsonl" "$T/small_p.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(5)
groups = ["women", "muslim", "black", "gay", "rare"]
with open(sys.argv[1], "w") as d, open(sys.argv[2], "w") as p:
    for i in range(600):
        y = rnd.random() < 0.3
        ident = rnd.sample(groups[:4], rnd.randint(0, 2))
        if i == 0:
            ident.append("rare")
        lab = {"toxic": int(y), "spam": None if i % 3 else int(rnd.random() < 0.1)}
        d.write(json.dumps({"id": f"s{i}", "text": "x", "labels": lab,
                            "lang": rnd.choice(["en", "de"]), "identity": ident}) + "\n")
        s = rnd.random() * 0.6 + (0.35 if y else 0) - (0.1 if "muslim" in ident else 0)
        p.write(json.dumps({"id": f"s{i}", "scores": {"toxic": round(s, 2), "spam": round(rnd.random(), 2)}}) + "\n")
PY
"$M" eval --predictions "$T/small_p.jsonl" --data "$T/small.jsonl" --slice lang --slice identity \
    --json > "$T/s1.json"
"$M" eval --predictions "$T/small_p.jsonl" --data "$T/small.jsonl" --slice lang --slice identity \
    --json > "$T/s2.json"
cmp -s "$T/s1.json" "$T/s2.json" || fail "two runs with the same seed differ"
"$M" eval --predictions "$T/small_p.jsonl" --data "$T/small.jsonl" --seed 9 --json > "$T/s3.json"
cmp -s "$T/s1.json" "$T/s3.json" && fail "another seed gave identical intervals"
"$M" eval --predictions "$T/small_p.jsonl" --data "$T/small.jsonl" --slice identity --sweep \
    > "$T/s.txt"
grep -q "95% CI (bootstrap, 1000 resamples" "$T/s.txt" || fail "CI table missing"
grep -q "^sweep toxic" "$T/s.txt" || fail "--sweep table missing"
grep -q "fairness: identity / toxic" "$T/s.txt" || fail "fairness table missing"
grep -q "^rare .* - .* - .* - " "$T/s.txt" || fail "tiny subgroup should print '-'"
python3 - "$T/s1.json" <<'PY' || fail "--json schema"
import json, math, sys
j = json.load(open(sys.argv[1]))
assert j["schema"] == "moderato.eval/1"
assert j["slices"] == ["lang", "identity"] and j["bootstrap"]["resamples"] == 1000
t = j["groups"]["all"]["labels"]["toxic"]
for m in ("pr_auc", "roc_auc", "precision", "recall", "f1"):
    lo, hi = t["ci"][m]
    assert lo <= hi and lo - 0.05 <= t[m] <= hi + 0.05, (m, lo, t[m], hi)
assert len(t["sweep"]) == 19 and t["sweep"][0]["threshold"] == 0.05 and t["sweep"][-1]["threshold"] == 0.95
assert all(set(p) == {"threshold", "precision", "recall", "f1", "fpr"} for p in t["sweep"])
f = j["fairness"]["identity"]["labels"]["toxic"]
subs = f["subgroups"]
assert set(subs) == {"women", "muslim", "black", "gay", "rare"}, subs.keys()
assert subs["rare"]["subgroup_auc"] is None and subs["rare"]["bpsn_auc"] is None
# scores pushed down for "muslim": its positives rank low (BNSP drops), its negatives too (BPSN rises)
assert subs["muslim"]["bnsp_auc"] < subs["muslim"]["bpsn_auc"]
vals = [subs[g]["bpsn_auc"] for g in subs if subs[g]["in_summary"]["bpsn_auc"]]
assert len(vals) == 4 and subs["rare"]["in_summary"] == dict.fromkeys(
    ("subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr_gap"), False), subs["rare"]
pm = (sum(v ** -5 for v in vals) / len(vals)) ** (-1 / 5)
assert abs(pm - f["bpsn_auc_power_mean"]) < 2e-4, (pm, f["bpsn_auc_power_mean"])
final = 0.25 * f["overall_auc"] + 0.25 * (f["subgroup_auc_power_mean"] + f["bpsn_auc_power_mean"] + f["bnsp_auc_power_mean"])
assert abs(final - f["final_score"]) < 3e-4
assert "lang" in j["fairness"] and "spam" in j["fairness"]["lang"]["labels"]
PY

# 6b. Minimum subgroup support for the fairness summaries: a subgroup of 2
# positives and 15 negatives, all flagged, is reported (marked) but moves
# max_fpr_gap only with --fairness-min-negatives 0; its BPSN AUC (15
# subgroup negatives) counts, its subgroup and BNSP AUCs (2 positives) not.
python3 - "$T/mins.jsonl" "$T/mins_p.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(7)
with open(sys.argv[1], "w") as d, open(sys.argv[2], "w") as p:
    for i in range(417):
        lang, y = ("xx", int(i < 402)) if i >= 400 else ("en" if i % 2 else "de", int(rnd.random() < 0.3))
        s = 0.95 if lang == "xx" else rnd.random() * 0.5 + (0.45 if y else 0)
        d.write(json.dumps({"id": i, "text": "x", "labels": {"toxic": y}, "lang": lang}) + "\n")
        p.write(json.dumps({"id": i, "scores": {"toxic": round(s, 3)}}) + "\n")
PY
MINS="--predictions $T/mins_p.jsonl --data $T/mins.jsonl --slice lang --bootstrap 0"
"$M" eval $MINS --json > "$T/mins.json"
"$M" eval $MINS --fairness-min-negatives 0 --json > "$T/mins0.json"
"$M" eval $MINS --fairness-min-negatives 0 --fairness-min-class 0 --json > "$T/mins00.json"
python3 - "$T/mins.json" "$T/mins0.json" "$T/mins00.json" <<'PY' || fail "fairness minimums"
import json, sys
d, d0, d00 = (json.load(open(a))["fairness"]["lang"]["labels"]["toxic"] for a in sys.argv[1:])
xx = d["subgroups"]["xx"]
assert xx["negatives"] == 15 and xx["positives"] == 2 and xx["fpr"] == 1, xx
assert xx["in_summary"] == {"subgroup_auc": False, "bpsn_auc": True, "bnsp_auc": False,
                            "fpr_gap": False}, xx["in_summary"]
assert d["min_negatives"] == 30 and d["min_class"] == 10, d
assert d["left_out"] == {"subgroup_auc": 1, "bpsn_auc": 0, "bnsp_auc": 1, "fpr_gap": 1}, d
gaps = {g: abs(v["fpr_gap"]) for g, v in d["subgroups"].items()}
assert d["max_fpr_gap"] == max(gaps["en"], gaps["de"]) < 0.5, (d["max_fpr_gap"], gaps)
assert d0["max_fpr_gap"] == gaps["xx"] > 0.9, d0["max_fpr_gap"]
assert d0["min_negatives"] == 0 and d0["min_class"] == 10 and d0["left_out"]["fpr_gap"] == 0
assert d0["subgroups"]["xx"]["in_summary"]["fpr_gap"] is True
# per-subgroup values do not depend on the minimums; the AUC summaries only
# on --fairness-min-class
for k in ("subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr_gap"):
    assert d["subgroups"]["xx"][k] == d00["subgroups"]["xx"][k] is not None
assert d0["bnsp_auc_power_mean"] == d["bnsp_auc_power_mean"] != d00["bnsp_auc_power_mean"]
assert d00["bpsn_auc_power_mean"] == d["bpsn_auc_power_mean"]
assert all(d00["subgroups"]["xx"]["in_summary"].values()) and not any(d00["left_out"].values())
PY
"$M" eval $MINS > "$T/mins.txt"
grep -q '^xx .* 1\.0000  0\.[0-9]*\* ' "$T/mins.txt" || { cat "$T/mins.txt"; fail "no '*' on the left-out FPR gap"; }
grep -q '^\* left out of the summaries: subAUC 1, BPSN 0, BNSP 1, FPRgap 1 (fewer than 10' \
    "$T/mins.txt" || fail "no footnote on left-out subgroups"
"$M" eval $MINS --fairness-min-negatives 0 --fairness-min-class 0 > "$T/mins0.txt"
grep -q 'left out' "$T/mins0.txt" && fail "footnote without anything left out"
# A baseline made with other minimums: the gate says so.
echo '{"gates":[{"metric":"fairness.max_fpr_gap","max_increase":1}]}' > "$T/fg.json"
"$M" eval $MINS --baseline "$T/mins0.json" --gate "$T/fg.json" > "$T/fg.txt" || {
    cat "$T/fg.txt"; fail "fairness gate against a baseline with other minimums"; }
grep -q "^note: fairness summaries of the baseline use min_negatives 0, min_class 10; this run's 30, 10" \
    "$T/fg.txt" || { cat "$T/fg.txt"; fail "no note on differing minimums"; }
"$M" eval $MINS --baseline "$T/mins.json" --gate "$T/fg.json" | grep -q "^note:" &&
    fail "note on minimums that are the same"
# Bad values are usage errors (exit 2) that name the option.
for bad in "--fairness-min-negatives abc" "--fairness-min-negatives -1" \
    "--fairness-min-class 4294967296" "--fairness-min-class"; do
    set +e
    "$M" eval $MINS $bad > /dev/null 2> "$T/bad.err"; rc=$?
    set -e
    [ $rc = 2 ] || fail "$bad: expected exit 2, got $rc"
    grep -q -- "${bad%% *}" "$T/bad.err" || fail "$bad: $(cat "$T/bad.err")"
done
set +e
"$M" eval --predictions "$T/mins_p.jsonl" --data "$T/mins.jsonl" --fairness-min-class 5 \
    > /dev/null 2> "$T/noslice.err"; rc=$?
set -e
[ $rc = 2 ] || fail "--fairness-min-class without --slice: expected exit 2, got $rc"
grep -q "go with --slice" "$T/noslice.err" || fail "$(cat "$T/noslice.err")"

# 7. Cross-check PR-AUC / ROC-AUC / recall at precision / micro averages
#    against scikit-learn (Debian python3-sklearn).
if /usr/bin/python3 -c "import sklearn.metrics" 2>/dev/null; then
    /usr/bin/python3 - "$T/r.jsonl" "$T/r_p.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(11)
with open(sys.argv[1], "w") as d, open(sys.argv[2], "w") as p:
    for i in range(3000):
        labs, sc = {}, {}
        # d separates well: recall at precision 0.9 / 0.95 is neither 0 nor 1
        for k, prev, gap in (("a", 0.5, 0.1), ("b", 0.05, 0.1), ("c", 0.3, 0.1), ("d", 0.3, 0.5)):
            y = int(rnd.random() < prev)
            labs[k] = None if rnd.random() < 0.15 else y
            # two decimals: many ties, and ties across classes
            sc[k] = round(min(1, max(0, rnd.gauss(0.5 + (gap if y else -gap) / 2, 0.2))), 2)
        d.write(json.dumps({"id": i, "text": "x", "labels": labs}) + "\n")
        p.write(json.dumps({"id": i, "scores": sc}) + "\n")
PY
    "$M" eval --predictions "$T/r_p.jsonl" --data "$T/r.jsonl" --bootstrap 0 --json > "$T/r.json"
    /usr/bin/python3 - "$T/r.jsonl" "$T/r_p.jsonl" "$T/r.json" <<'PY' || fail "sklearn cross-check"
import json, sys
from sklearn.metrics import (average_precision_score, precision_recall_curve,
                             precision_recall_fscore_support, roc_auc_score)
data = [json.loads(l) for l in open(sys.argv[1])]
pred = {json.loads(l)["id"]: json.loads(l)["scores"] for l in open(sys.argv[2])}
group = json.load(open(sys.argv[3]))["groups"]["all"]
out = group["labels"]
for k in ("a", "b", "c", "d"):
    ys = [(o["labels"][k], pred[o["id"]][k]) for o in data if o["labels"][k] is not None]
    y, s = [a for a, _ in ys], [b for _, b in ys]
    ap, auc = average_precision_score(y, s), roc_auc_score(y, s)
    assert abs(ap - out[k]["pr_auc"]) <= 1e-4, (k, ap, out[k]["pr_auc"])
    assert abs(auc - out[k]["roc_auc"]) <= 1e-4, (k, auc, out[k]["roc_auc"])
    print(f"sklearn {k}: AP {ap:.6f} vs {out[k]['pr_auc']}, AUC {auc:.6f} vs {out[k]['roc_auc']}")
    # recall at precision: max recall over the curve's points with precision >= p
    # (the curve ends at precision 1, recall 0: 0 when p is never reached)
    prec, rec, thr = precision_recall_curve(y, s)
    for p, key in ((0.9, "recall_at_p90"), (0.95, "recall_at_p95"), (0.5, None)):
        want = max(rec[prec >= p])
        if key:
            assert abs(out[k][key] - want) <= 1e-4, (k, key, out[k][key], want)
            if want == 0:
                assert out[k][key + "_threshold"] is None
            print(f"sklearn {k}: recall at precision {p}: {want:.4f} vs {out[k][key]}")
# micro averages: every known (item, label) pair, operating threshold 0.5
pairs = [(o["labels"][k], pred[o["id"]][k]) for o in data for k in ("a", "b", "c", "d")
         if o["labels"][k] is not None]
y, s = [a for a, _ in pairs], [b for _, b in pairs]
ap, auc = average_precision_score(y, s), roc_auc_score(y, s)
assert abs(group["micro_pr_auc"] - ap) <= 1e-4, (group["micro_pr_auc"], ap)
assert abs(group["micro_roc_auc"] - auc) <= 1e-4, (group["micro_roc_auc"], auc)
p, r, f, _ = precision_recall_fscore_support(y, [int(v >= 0.5) for v in s], average="binary")
for name, v in (("micro_precision", p), ("micro_recall", r), ("micro_f1", f)):
    assert abs(group[name] - v) <= 1e-4, (name, group[name], v)
assert group["micro_n_known"] == len(pairs) and group["micro_support"] == sum(y)
print(f"sklearn micro: AP {ap:.6f} vs {group['micro_pr_auc']}, AUC {auc:.6f} vs {group['micro_roc_auc']}")
PY
else
    echo "SKIP: sklearn cross-check (/usr/bin/python3 has no sklearn; apt-get install python3-sklearn)"
fi
# 7. --slice identity without an "identity" field: groups derived from the
# identity terms the text mentions (each group once per item, in its lang).
cat > "$T/id.jsonl" <<'J'
{"id":"1","text":"Muslims and Jews are welcome here","labels":{"hate":0},"lang":"en"}
{"id":"2","text":"muslims muslims muslims","labels":{"hate":1},"lang":"en"}
{"id":"3","text":"women deserve better","labels":{"hate":0},"lang":"en"}
{"id":"4","text":"nothing to see","labels":{"hate":0},"lang":"en"}
{"id":"5","text":"die Muslime hier","labels":{"hate":1},"lang":"de"}
{"id":"6","text":"tagged by hand","labels":{"hate":1},"lang":"en","identity":["age"]}
J
printf '{"id":"%s","scores":{"hate":0.%s}}\n' 1 2 2 9 3 1 4 1 5 8 6 7 > "$T/id_p.jsonl"
"$M" eval --predictions "$T/id_p.jsonl" --data "$T/id.jsonl" --slice identity --bootstrap 0 \
    --terms data/identity/terms.tsv --json > "$T/id.json"
python3 - "$T/id.json" <<'PY' || fail "--slice identity derived from the text"
import json, sys
sg = json.load(open(sys.argv[1]))["fairness"]["identity"]["labels"]["hate"]["subgroups"]
# religion: items 1 (two religion terms, counted once), 2 (three mentions) and
# 5 (German "Muslime"); gender: item 3; age: item 6's own field; item 4: none.
assert {k: v["n_known"] for k, v in sg.items()} == {"religion": 3, "gender": 1, "age": 1}, sg
assert sg["religion"]["positives"] == 2 and sg["religion"]["negatives"] == 1, sg
PY
set +e
"$M" eval --predictions "$T/id_p.jsonl" --data "$T/id.jsonl" --terms data/identity/terms.tsv \
    2> "$T/terms.err" > /dev/null; rc=$?
set -e
[ $rc = 2 ] || fail "--terms without --slice identity or --counterfactual: expected exit 2, got $rc"
grep -q -- "--terms goes with --counterfactual or --slice identity" "$T/terms.err" || fail "$(cat "$T/terms.err")"

echo "test_eval: ok"
