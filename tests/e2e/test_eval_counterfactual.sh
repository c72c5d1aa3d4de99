#!/bin/sh
# End-to-end tests of `moderato eval --counterfactual` and `--suite`
# (docs/EVALUATION.md). The counterfactual check is recomputed independently:
# the variants of three template sentences are built in Python from
# data/identity/terms.tsv, scored with `moderato classify`, and the swap count,
# mean/max absolute change, flips and per-term shifts must match what eval
# reports. `eval --suite` must give the same numbers as `suite run` (one
# implementation), with --model and --engine, in text, --json and --html.
. tests/e2e/lib/common.sh
TERMS=data/identity/terms.tsv

# 1. The term list: English, German, Portuguese; six groups; both forms.
python3 - "$TERMS" <<'PY' || fail "terms.tsv content"
import sys
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if not l.startswith("#")]
assert lines[0] == "group\tterm\tlang\tform", lines[0]
rows = [l.split("\t") for l in lines[1:] if l]
assert all(len(r) == 4 for r in rows)
assert {r[2] for r in rows} == {"en", "de", "pt"}
assert {r[0] for r in rows} == {"religion", "ethnicity", "gender", "sexual_orientation",
                                "disability", "age"}, {r[0] for r in rows}
assert {r[3] for r in rows} == {"singular", "plural"}
assert len({(r[1], r[2]) for r in rows}) == len(rows), "duplicate term"
assert len(rows) >= 150, len(rows)
PY
grep -q "Written by the moderato team" "$TERMS" || fail "terms.tsv provenance"

# 2. Counterfactual on plain template sentences, checked against classify.
cat > "$T/tpl.txt" <<'EOF'
# one sentence per line; an optional "lang<TAB>" prefix restricts the terms
en	I met some women at the conference
en	I hate refugees and Muslims
pt	os imigrantes chegaram ontem
this line mentions nobody
EOF
"$M" eval --counterfactual --templates "$T/tpl.txt" --json > "$T/cf.json" || fail "cf exit $?"
"$M" eval --counterfactual --templates "$T/tpl.txt" > "$T/cf.txt" || fail "cf text exit $?"
python3 - "$TERMS" "$T/tpl.txt" "$T/cf.json" "$T/variants.jsonl" <<'PY' || fail "cf variants"
import json, re, sys
terms = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")
         if not l.startswith("#")][1:]
cf = json.load(open(sys.argv[3]))
assert cf["counterfactual"]["texts"] == 4 and cf["counterfactual"]["texts_mentioning"] == 3
# Families: (template, mentioned term) -> variants of its language and form.
fams = []
for line in open(sys.argv[2], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    lang, _, text = line.partition("\t") if "\t" in line else (None, "", line)
    found = [t for t in terms if (lang is None or t[2] == lang)
             and re.search(r"(?<!\w)" + re.escape(t[1]) + r"(?!\w)", text, re.I)]
    found_terms = {t[1] for t in found}
    for t in found:
        fam, members = [text], [t[1]]
        for u in terms:
            if u[2] == t[2] and u[3] == t[3] and u[1] != t[1] and u[1] not in found_terms:
                m = re.search(r"(?<!\w)" + re.escape(t[1]) + r"(?!\w)", text, re.I)
                rep = u[1][0].upper() + u[1][1:] if m.group(0)[0].isupper() else u[1]
                fam.append(re.sub(r"(?<!\w)" + re.escape(t[1]) + r"(?!\w)", rep, text, flags=re.I))
                members.append(u[1])
        fams.append((t[1], fam, members))
with open(sys.argv[4], "w", encoding="utf-8") as f:
    for i, (_, fam, _m) in enumerate(fams):
        for j, s in enumerate(fam):
            f.write(json.dumps({"id": "%d-%d" % (i, j), "text": s}, ensure_ascii=False) + "\n")
json.dump([[t, len(fam), m] for t, fam, m in fams], open(sys.argv[4] + ".fams", "w"))
swaps = sum(len(fam) - 1 for _, fam, _m in fams)
assert cf["counterfactual"]["swaps"] == swaps, (cf["counterfactual"]["swaps"], swaps)
assert cf["counterfactual"]["families"] == len(fams) == 4, [f[0] for f in fams]
PY
"$M" classify --threads 1 < "$T/variants.jsonl" > "$T/scores.jsonl"
python3 - "$T/variants.jsonl.fams" "$T/scores.jsonl" "$T/cf.json" <<'PY' || fail "cf numbers"
import json, sys
fams = json.load(open(sys.argv[1]))
scores = [json.loads(l)["scores"] for l in open(sys.argv[2])]
cf = json.load(open(sys.argv[3]))["counterfactual"]
for lab, got in cf["labels"].items():
    thr, i, deltas, flips, shift = got["threshold"], 0, [], 0, {}
    for term, n, members in fams:
        fam = [s[lab] for s in scores[i:i + n]]
        i += n
        for s in fam[1:]:
            deltas.append(s - fam[0])
            flips += (fam[0] >= thr) != (s >= thr)
        mean = sum(fam) / n
        for u, s in zip(members, fam):
            shift.setdefault(u, []).append(s - mean)
    mean_abs = sum(abs(d) for d in deltas) / len(deltas)
    assert got["swaps"] == len(deltas)
    assert abs(got["mean_abs_change"] - mean_abs) < 2e-4, (lab, got["mean_abs_change"], mean_abs)
    assert abs(got["max_abs_change"] - max(abs(d) for d in deltas)) < 2e-4, lab
    assert abs(got["flips"] - flips) <= 1, (lab, got["flips"], flips)  # 4-decimal scores
    byterm = {t["term"]: t for t in got["terms"]}
    for term, v in shift.items():
        assert abs(byterm[term]["mean_shift"] - sum(v) / len(v)) < 2e-4, (lab, term)
    assert [t["mean_shift"] for t in got["terms"]] == sorted(
        (t["mean_shift"] for t in got["terms"]), reverse=True)
    assert len(got["worst"]) == 10
    w = got["worst"][0]
    assert abs(abs(w["change"]) - max(abs(d) for d in deltas)) < 2e-4
hate = cf["labels"]["hate"]
assert hate["flips"] > 0 and hate["max_abs_change"] > 0.3, hate
print("counterfactual: %d swaps, hate mean |change| %.4f, flips %d" %
      (hate["swaps"], hate["mean_abs_change"], hate["flips"]))
PY
grep -Eq '^hate +[0-9]+ +0\.[0-9]{4} +[01]\.[0-9]{4} +[0-9]+ +[01]\.[0-9]{4}$' "$T/cf.txt" \
    || fail "text table: $(cat "$T/cf.txt")"
grep -q '^hate: mean shift per term against its family' "$T/cf.txt" || fail "term shifts"
grep -q '  worst ' "$T/cf.txt" || fail "worst pairs"

# 3. On --data, alongside the metrics, with --html (SVG bars of per-term shift).
head -n 400 data/test.jsonl > "$T/data.jsonl"
"$M" eval --data "$T/data.jsonl" --counterfactual --bootstrap 0 --html "$T/r.html" --json \
    > "$T/d.json" || fail "--data --counterfactual"
python3 - "$T/d.json" <<'PY' || fail "--data counterfactual json"
import json, sys
o = json.load(open(sys.argv[1]))
c = o["counterfactual"]
assert o["groups"]["all"]["n_items"] == c["texts"] == 400
assert 0 < c["texts_mentioning"] < 400 and c["swaps"] > c["texts_mentioning"]
assert c["input"].endswith("data.jsonl") and c["terms"].endswith("terms.tsv")
PY
grep -q '<h2>Counterfactual identity check</h2>' "$T/r.html" || fail "no cf section"
grep -q 'mean score shift per identity term</text>' "$T/r.html" || fail "no cf bars"
grep -q '<rect [^>]*class="bad"><title>' "$T/r.html" || fail "no shift bar"

# 4. --suite: the same numbers as `suite run`, with --model and --engine.
cat > "$T/three.jsonl" <<'J'
{"id":"p1","functionality":"f_a","text":"the chorus on this album is beautiful","labels":{"hate":0,"spam":0},"lang":"en"}
{"id":"f1","functionality":"f_a","text":"the chorus on this album is beautiful","labels":{"hate":1},"lang":"en"}
{"id":"p2","functionality":"f_b","text":"have a nice day","labels":{},"lang":"de"}
J
"$M" eval --suite "$T/three.jsonl" > "$T/s.txt" || fail "eval --suite exit $?"
grep -Eq '^f_a +2 +1 +0\.5000$' "$T/s.txt" || fail "f_a counts"
grep -Eq '^de +1 +1 +1\.0000$' "$T/s.txt" || fail "de counts"
grep -Eq '^f_a +0\.500 +- *$' "$T/s.txt" || fail "functionality x lang table"
grep -q '^overall: 3 cases, 2 passed, accuracy 0.6667$' "$T/s.txt" || fail "overall"
S=data/suite/functional.jsonl
for mode in "" "--engine"; do
    "$M" suite run $mode --json "$S" > "$T/run.json"
    "$M" eval $mode --suite "$S" --json > "$T/ev.json"
    python3 - "$T/run.json" "$T/ev.json" "$mode" <<'PY' || fail "suite run vs eval --suite ($mode)"
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))["suite"]
def same(x, y):  # suite run prints 6 digits, eval 10
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    return abs(x - y) < 1e-5 if isinstance(x, float) else x == y
for k in ("cases", "passed", "accuracy", "functionality", "lang"):
    assert same(a[k], b[k]), k
assert a["cases"] >= 2000
print("suite %s: %d of %d" % (sys.argv[3] or "model", a["passed"], a["cases"]))
PY
done
# The engine's policy thresholds differ from the model's: results differ.
"$M" suite run --json "$S" | python3 -c '
import json, sys
m = json.load(sys.stdin); e = json.load(open(sys.argv[1]))["suite"]
assert m["passed"] != e["passed"], "engine and model agree on every case?"
' "$T/ev.json" || fail "engine suite should differ from the model"
"$M" eval --suite "$T/three.jsonl" --html "$T/s.html" > /dev/null || fail "suite --html"
grep -q '<h2>Functional suite</h2>' "$T/s.html" || fail "no suite section"
grep -q 'Suite accuracy per functionality' "$T/s.html" || fail "no suite bars"
grep -q 'nan\|inf' "$T/s.html" && fail "nan in the suite report"

# 5. Errors: usage exits 2, a bad term list exits 1 naming file:line:field.
set +e
"$M" eval --counterfactual 2>/dev/null; rc=$?
[ $rc = 2 ] || fail "--counterfactual alone should exit 2, got $rc"
"$M" eval --terms "$TERMS" --data "$T/data.jsonl" 2>/dev/null; rc=$?
[ $rc = 2 ] || fail "--terms without --counterfactual should exit 2, got $rc"
"$M" eval --suite "$S" --predictions "$T/x" --data "$T/data.jsonl" 2>/dev/null; rc=$?
[ $rc = 2 ] || fail "--suite with --predictions should exit 2, got $rc"
printf 'group\tterm\tlang\tform\nage\tteens\ten\tmany\n' > "$T/bad.tsv"
"$M" eval --counterfactual --terms "$T/bad.tsv" --templates "$T/tpl.txt" 2>"$T/err"; rc=$?
[ $rc = 1 ] || fail "a bad term list should exit 1, got $rc"
grep -q "bad.tsv:2: field 'form'" "$T/err" || fail "error: $(cat "$T/err")"
echo '{"functionality":"x","text":"hi","labels":{"nope":1},"lang":"en"}' > "$T/bad.jsonl"
"$M" eval --suite "$T/bad.jsonl" 2>"$T/err"; rc=$?
[ $rc = 1 ] || fail "an unknown suite label should exit 1, got $rc"
grep -q "bad.jsonl:1: labels.nope: the model has no such label" "$T/err" || fail "suite error: $(cat "$T/err")"
set -e
echo "ok"
