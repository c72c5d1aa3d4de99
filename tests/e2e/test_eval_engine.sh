#!/bin/sh
# End-to-end tests of `moderato eval --engine` (docs/EVALUATION.md, "Evaluating
# the engine") on real data: every 40th item of data/test.jsonl plus a few
# hand-made items. The confusion counts at the operating point must equal the
# enforcement that `moderato moderate` decides for the same items (policy
# categories mapped to labels, items without "type" moderated as comments),
# the lifted/suppressed counters must match the decisions' scores, the engine
# must differ from the bare model where the policy does (profanity), and
# --by, --slice, --html and gates must work with it. The category -> label
# mapping comes from the policy's `categories:` (a custom category declared
# with a label is counted for that label), and a policy without the section
# gets the guessed mapping with a warning naming the policy file.
. tests/e2e/lib/common.sh

python3 - "$T/data.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for i, l in enumerate(open("data/test.jsonl", encoding="utf-8")) if i % 40 == 0]
# Hand-made: self-harm statements the policy labels (clf.self_harm >= 0.5) below
# the model's own threshold, and a username, where the policy is stricter.
rows += [
    {"id": "sh1", "text": "I don't want to live anymore", "labels": {"self_harm": 1}, "lang": "en", "source": "hand"},
    {"id": "sh2", "text": "I want to die, I can't do this anymore", "labels": {"self_harm": 1}, "lang": "en", "source": "hand"},
    {"id": "sh3", "text": "this song makes me want to dance", "labels": {"self_harm": 0}, "lang": "en", "source": "hand"},
    {"id": "u1", "type": "username", "text": "shit_lord_99", "labels": {"profanity": 1}, "lang": "en", "source": "hand"},
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY

# 1. The engine's own decisions, moderated directly (type defaults to comment).
python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(l)
    r.setdefault("type", "comment")
    print(json.dumps(r, ensure_ascii=False))
' "$T/data.jsonl" > "$T/items.jsonl"
"$M" moderate --threads 1 < "$T/items.jsonl" > "$T/decisions.jsonl" || fail "moderate exit $?"
"$M" eval --engine --data "$T/data.jsonl" --bootstrap 50 --json > "$T/engine.json" \
    || fail "eval --engine exit $?"
"$M" eval --data "$T/data.jsonl" --bootstrap 50 --json > "$T/model.json" || fail "eval --model"

python3 - "$T/data.jsonl" "$T/decisions.jsonl" "$T/engine.json" "$T/model.json" <<'PY' || fail "engine counts"
import json, sys
data = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
dec = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
eng = json.load(open(sys.argv[3]))
mod = json.load(open(sys.argv[4]))
assert len(data) == len(dec) == eng["groups"]["all"]["n_items"]
assert eng["model"] is None and eng["engine"]["default_type"] == "comment"
catmap = eng["engine"]["category_labels"]
assert catmap["hateful"] == "hate" and catmap["deceptive.scam"] == "spam"
labs = eng["groups"]["all"]["labels"]
checked = 0
for lab, m in labs.items():
    thr = m["threshold"]
    tp = fp = fn = tn = enforced = lifted = suppressed = 0
    for r, d in zip(data, dec):
        flag = any(catmap.get(c) == lab for c in d["categories"])
        over = d["scores"][lab] >= thr - 1e-4
        enforced += flag
        lifted += flag and d["scores"][lab] < thr - 1e-4
        suppressed += (not flag) and d["scores"][lab] >= thr + 1e-4
        y = r["labels"].get(lab)
        if y is None:
            continue
        tp += flag and y == 1; fp += flag and y == 0
        fn += (not flag) and y == 1; tn += (not flag) and y == 0
    got = (m["tp"], m["fp"], m["fn"], m["tn"])
    assert got == (tp, fp, fn, tn), (lab, got, (tp, fp, fn, tn))
    st = eng["engine"]["labels"][lab]
    assert st["items"] == len(data) and st["enforced"] == enforced, (lab, st, enforced)
    assert abs(st["lifted"] - lifted) <= 1 and abs(st["suppressed"] - suppressed) <= 1, (lab, st)
    checked += 1
assert checked == 7, checked
# Where the policy and the model's operating point differ, so do the numbers:
# the policy enforces profanity on comments above the model's threshold
# (suppressing some of what the classifier flags) and lifts the username.
pe, pm = labs["profanity"], mod["groups"]["all"]["labels"]["profanity"]
assert pe["threshold"] == pm["threshold"]
assert pe["tp"] < pm["tp"] and pe["fp"] <= pm["fp"], (pe, pm)
assert eng["engine"]["labels"]["profanity"]["suppressed"] >= 10
assert eng["engine"]["labels"]["profanity"]["lifted"] >= 1
# self_harm: the policy labels from 0.5, the model's own low-support threshold.
assert labs["self_harm"]["tp"] == mod["groups"]["all"]["labels"]["self_harm"]["tp"] >= 3
# The username is enforced for profanity by the username rule.
u = dec[-1]
assert u["id"] == "u1" and "sensitive.profanity" in u["categories"], u
print("engine: tp/fp/fn/tn of 7 labels match moderate; profanity tp", pm["tp"], "->", pe["tp"])
PY

# 2. Text output names the engine; --by, --slice, --html and gates work with it.
"$M" eval --engine --config config/default.json --data "$T/data.jsonl" --bootstrap 0 > "$T/e.txt"
grep -q "^data $T/data.jsonl, [0-9]* items, engine config/default.json$" "$T/e.txt" \
    || fail "text header: $(head -1 "$T/e.txt")"
grep -Eq '^self_harm +[0-9]+ +[0-9]+ ' "$T/e.txt" || fail "no self_harm row"
"$M" eval --engine --data "$T/data.jsonl" --by lang --slice source --bootstrap 20 \
    --html "$T/r.html" --json > "$T/by.json" || fail "eval --engine --by --slice --html"
python3 - "$T/by.json" <<'PY' || fail "--by/--slice with --engine"
import json, sys
o = json.load(open(sys.argv[1]))
assert "en" in o["groups"] and "hand" in o["fairness"]["source"]["labels"]["hate"]["subgroups"]
assert o["engine"]["labels"]["hate"]["items"] == o["groups"]["all"]["n_items"]
PY
grep -q '<h2>Engine</h2>' "$T/r.html" || fail "no engine section in the report"
grep -q '), engine [^<]*config/default.json (version [0-9a-f]*)' "$T/r.html" || fail "report header does not name the engine"
"$M" eval --engine --data "$T/data.jsonl" --bootstrap 0 --json > "$T/base.json"
echo '{"gates":[{"metric":"f1","labels":["*"],"group":"all","max_drop":0.0}]}' > "$T/gates.json"
"$M" eval --engine --data "$T/data.jsonl" --bootstrap 0 --baseline "$T/base.json" \
    --gate "$T/gates.json" | grep -q "all gates passed" || fail "gate on the same engine run"

# 2b. A custom category counts for the label the policy declares for it.
cat > "$T/links.jsonl" <<'J'
{"id": "l1", "text": "listen to my new song at http://example.com/track today", "labels": {"violence": 1, "spam": 0}}
{"id": "l2", "text": "what a lovely melody, thanks for sharing", "labels": {"violence": 0, "spam": 0}}
J
mkpolicy() { # $1 = file, $2 = the categories: section (or nothing)
    { printf 'policy: {id: links, version: "1"}\nrules:\n'
      printf '  - id: links\n    when: url.count > 0\n    action: label\n    category: %s\n' "$3"
      printf '%s' "$2"; } > "$1"
    printf '{"model": "%s/models/default.momd", "lexicons": "%s/lexicons", "policy": "%s"}\n' \
        "$PWD" "$PWD" "$1" > "$1.json"
}
engine_eval() { # $1 = config; prints violence tp fp and the mapping
    "$M" eval --engine --config "$1" --data "$T/links.jsonl" --bootstrap 0 --json 2> "$T/eval.err" \
        | python3 -c 'import json, sys
o = json.load(sys.stdin); v = o["groups"]["all"]["labels"]["violence"]
print(v["tp"], v["fp"], json.dumps(o["engine"]["category_labels"], sort_keys=True))'
}
mkpolicy "$T/declared.yaml" 'categories:
  custom.links: {label: violence}
' custom.links
"$M" policy --config "$T/declared.yaml.json" check --werror "$T/declared.yaml" > /dev/null \
    || fail "the custom policy should check cleanly"
got=$(engine_eval "$T/declared.yaml.json")
[ "$got" = '1 0 {"custom.links": "violence"}' ] || fail "declared custom label: $got"
[ ! -s "$T/eval.err" ] || fail "a declared mapping needs no warning: $(cat "$T/eval.err")"
mkpolicy "$T/nolabel.yaml" 'categories:
  custom.links: {}
' custom.links
got=$(engine_eval "$T/nolabel.yaml.json")
[ "$got" = '0 0 {}' ] || fail "a category without a label flags nothing: $got"
# No categories: section: the old guess from the last dotted component, warned.
mkpolicy "$T/guess.yaml" '' custom.violence
got=$(engine_eval "$T/guess.yaml.json")
[ "$got" = '1 0 {"custom.violence": "violence"}' ] || fail "guessed mapping: $got"
grep -q "warning: policy $T/guess.yaml declares no categories; .* guessed" "$T/eval.err" \
    || fail "no guess warning: $(cat "$T/eval.err")"
[ "$(grep -c warning "$T/eval.err")" = 1 ] || fail "the guess warning is printed once"
# An empty categories: section declares that no category has a label: no
# guess, so no warning.
printf 'policy: {id: links, version: "1"}\ncategories: {}\nrules:\n  - id: links\n    when: url.count > 0\n    action: label\n' \
    > "$T/empty.yaml"
printf '{"model": "%s/models/default.momd", "lexicons": "%s/lexicons", "policy": "%s"}\n' \
    "$PWD" "$PWD" "$T/empty.yaml" > "$T/empty.yaml.json"
got=$(engine_eval "$T/empty.yaml.json")
[ "$got" = '0 0 {}' ] || fail "an empty categories: section maps nothing: $got"
[ ! -s "$T/eval.err" ] || fail "an empty categories: section guesses nothing, so no warning: $(cat "$T/eval.err")"

# 3. Usage errors exit 2.
set +e
"$M" eval --engine --model models/default.momd --data "$T/data.jsonl" 2>/dev/null; rc=$?
[ $rc = 2 ] || fail "--engine with --model should exit 2, got $rc"
"$M" eval --config config/default.json --data "$T/data.jsonl" 2>/dev/null; rc=$?
[ $rc = 2 ] || fail "--config without --engine should exit 2, got $rc"
"$M" eval --engine --config "$T/nope.json" --data "$T/data.jsonl" 2>"$T/err"; rc=$?
[ $rc = 1 ] || fail "a missing config should exit 1, got $rc"
grep -q "nope.json" "$T/err" || fail "the error names the config"
set -e
echo "ok"
