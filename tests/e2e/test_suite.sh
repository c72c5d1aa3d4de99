#!/bin/sh
# End-to-end tests of the functional test suite (docs/SUITE.md): the generator
# is deterministic and matches the committed data/suite/functional.jsonl, the
# suite has >= 2000 cases in en, de and pt covering every functionality, and
# `moderato suite run` reports every functionality with an accuracy in [0,1]
# and exact pass counts on a hand-made 3-case file.
. tests/e2e/lib/common.sh
S=data/suite/functional.jsonl

# 1. Deterministic, and the committed file is the generator's output.
python3 scripts/gen_suite.py -o "$T/a.jsonl" 2>/dev/null
python3 scripts/gen_suite.py -o "$T/b.jsonl" 2>/dev/null
cmp -s "$T/a.jsonl" "$T/b.jsonl" || fail "two generator runs differ"
cmp -s "$T/a.jsonl" "$S" || fail "$S is stale: run python3 scripts/gen_suite.py"

# 2. Size, languages, functionalities, fields.
python3 - "$S" <<'PY' || fail "suite content check"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) >= 2000, len(rows)
assert len({r["id"] for r in rows}) == len(rows), "duplicate ids"
assert {r["lang"] for r in rows} == {"en", "de", "pt"}, {r["lang"] for r in rows}
want = {"derogation_group", "dehumanisation", "threat_group", "threat_person", "slur_epithet",
        "profanity_at_person", "profanity_not_at_person", "negation", "counter_speech",
        "reclaimed_ingroup", "identity_neutral", "identity_positive", "abuse_at_objects",
        "obfuscated_hate", "obfuscated_profanity", "spam_scam", "self_harm", "self_harm_recovery"}
have = {r["functionality"] for r in rows}
assert have == want, (have ^ want)
for r in rows:
    assert set(r) == {"id", "functionality", "text", "labels", "lang", "template", "note"}, r
    assert r["labels"] and all(v in (0, 1) for v in r["labels"].values()), r
obf = " ".join(r["text"] for r in rows if r["functionality"].startswith("obfuscated"))
for ch in ("\u200b", "\uff46", "*", "\u0430"):
    assert ch in obf, "no obfuscation with %r" % ch
PY

# 3. A run on the shipped model names every functionality and an overall accuracy.
"$M" suite run "$S" > "$T/run.txt" || fail "suite run exit $?"
for f in $(python3 -c "import json,sys;print(' '.join(sorted({json.loads(l)['functionality'] for l in open(sys.argv[1])})))" "$S"); do
    grep -q "^$f " "$T/run.txt" || fail "no row for $f"
done
grep -Eq '^overall: [0-9]+ cases, [0-9]+ passed, accuracy (0\.[0-9]{4}|1\.0000)$' "$T/run.txt" \
    || fail "no overall line"
"$M" suite run --json --failures 1 "$S" > "$T/run.json"
python3 - "$T/run.json" <<'PY' || fail "suite --json check"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["schema"] == "moderato.suite/1"
assert 0 <= o["accuracy"] <= 1 and o["cases"] >= 2000
assert sum(b["cases"] for b in o["functionality"].values()) == o["cases"]
assert sum(b["passed"] for b in o["lang"].values()) == o["passed"]
assert all(len(b["failures"]) <= 1 for b in o["functionality"].values())
PY

# 4. Exact counts on a hand-made file: one sure pass, one sure fail, one pass
#    with no asserted label that the model scores.
cat > "$T/three.jsonl" <<'J'
{"id":"p1","functionality":"f_a","text":"the chorus on this album is beautiful","labels":{"hate":0,"spam":0},"lang":"en"}
{"id":"f1","functionality":"f_a","text":"the chorus on this album is beautiful","labels":{"hate":1},"lang":"en"}
{"id":"p2","functionality":"f_b","text":"have a nice day","labels":{},"lang":"de"}
J
"$M" suite run "$T/three.jsonl" > "$T/three.txt"
grep -Eq '^f_a +2 +1 +0\.5000$' "$T/three.txt" || { cat "$T/three.txt"; fail "f_a counts"; }
grep -Eq '^f_b +1 +1 +1\.0000$' "$T/three.txt" || fail "f_b counts"
grep -Eq '^en +2 +1 +0\.5000$' "$T/three.txt" || fail "en counts"
grep -q '^overall: 3 cases, 2 passed, accuracy 0.6667$' "$T/three.txt" || fail "overall counts"
"$M" suite run --failures 5 "$T/three.txt" >/dev/null 2>&1 && fail "a non-suite file should fail"
"$M" suite run --failures 5 "$T/three.jsonl" | grep -q '"id":"f1"' || fail "--failures shows f1"

# 5. Usage: --help exits 0, bad use exits 2, an unknown label exits 1.
"$M" suite --help >/dev/null || fail "suite --help"
"$M" suite run --help >/dev/null || fail "suite run --help"
set +e
"$M" suite run 2>/dev/null; rc=$?
[ $rc = 2 ] || fail "no file should exit 2, got $rc"
echo '{"functionality":"x","text":"hi","labels":{"nope":1},"lang":"en"}' > "$T/bad.jsonl"
"$M" suite run "$T/bad.jsonl" 2>/dev/null; rc=$?
[ $rc = 1 ] || fail "unknown label should exit 1, got $rc"
set -e
echo "ok"
