#!/bin/sh
# End-to-end tests of `moderato moderate` with the shipped configuration
# (model + lexicons + default policy pack): decision shape, evidence spans that
# point into the original text, determinism of decision ids, threads, bad
# records, configuration errors.
. tests/e2e/lib/common.sh

"$M" moderate --help > /dev/null || fail "moderate --help"
cat > "$T/in.jsonl" <<'J'
{"id":"m1","type":"comment","surface":"podcast_episode","text":"Loved this episode, the interview was great"}
{"id":"m2","type":"comment","text":"check out my channel!!! FREE gift cards, subscribe now http://bit.ly/x"}
{"id":"m3","type":"username","text":"ｆｕｃｋ_the_police"}
{"id":"m4","type":"message","recipient":{"age":14},"text":"send me your number 555-123-4567 and a pic"}
{"id":"m5","type":"podcast_description","transcript":[{"start":0,"end":2,"text":"welcome back"},{"start":2,"end":4,"text":"to the show"}]}
J
"$M" moderate --config config/default.json --threads 1 < "$T/in.jsonl" > "$T/out.jsonl"
/usr/bin/env python3 - "$T/in.jsonl" "$T/out.jsonl" <<'PY' || fail "decision checks"
import json, sys
items = [json.loads(l) for l in open(sys.argv[1])]
decs = [json.loads(l) for l in open(sys.argv[2])]
assert [d["id"] for d in decs] == ["m1", "m2", "m3", "m4", "m5"], decs
for d in decs:
    for k in ("decision_id", "content_hash", "action", "categories", "rules", "scores",
              "evidence", "review", "versions", "latency_us"):
        assert k in d, (k, d)
    assert set(d["versions"]) == {"engine", "config", "model", "policy"}
by = {d["id"]: d for d in decs}
assert by["m1"]["action"] == "allow" and by["m1"]["rules"] == [], by["m1"]
assert by["m2"]["action"] in ("limit", "remove"), by["m2"]
assert any(r["id"].startswith("spam") for r in by["m2"]["rules"]), by["m2"]
assert by["m3"]["action"] == "limit", by["m3"]          # profane username
assert by["m4"]["action"] == "hold", by["m4"]           # contact details to a minor
assert "minors.protection" in by["m4"]["categories"], by["m4"]
# Evidence spans are byte offsets into the text the user wrote.
raw = {i["id"]: i.get("text", "").encode() for i in items}
for d in decs:
    for e in d["evidence"]:
        assert raw[d["id"]][e["start"]:e["end"]].decode() == e["text"], (d["id"], e)
assert any(e["text"] == "ｆｕｃｋ" for e in by["m3"]["evidence"]), by["m3"]["evidence"]
PY

# Same input, same configuration: same decision ids; threads change nothing
# but latency.
"$M" moderate --config config/default.json --threads 3 < "$T/in.jsonl" > "$T/out3.jsonl"
strip() { sed 's/"latency_us":[0-9]*//' "$1"; }
[ "$(strip "$T/out.jsonl")" = "$(strip "$T/out3.jsonl")" ] || fail "threads changed decisions"

# Bad records answered in place, exit 3.
printf '{"id":"ok","text":"hello"}\n{"id":"x"}\n{not json}\n{"text":"no id"}\n' > "$T/bad.jsonl"
set +e
"$M" moderate --config config/default.json < "$T/bad.jsonl" > "$T/bad.out" 2> "$T/bad.err"
rc=$?
set -e
[ $rc = 3 ] || fail "bad records should exit 3, got $rc"
[ "$(wc -l < "$T/bad.out")" = 4 ] || fail "4 lines in, 4 lines out"
grep -q "stdin:2: field 'text'" "$T/bad.err" || fail "missing text reported: $(cat "$T/bad.err")"
grep -q "stdin:4: field 'id'" "$T/bad.err" || fail "missing id reported"
grep -q '"id":"x","line":2,"error"' "$T/bad.out" || fail "error record keeps the id"

# Configuration errors name the file and the key.
printf '{"model":"../models/default.momd","lexicons":"../lexicons","polcy":"x"}\n' > "$T/bad.json"
set +e
echo '{"id":1,"text":"a"}' | "$M" moderate --config "$T/bad.json" > /dev/null 2> "$T/cfg.err"
rc=$?
set -e
[ $rc = 1 ] || fail "bad config should exit 1"
grep -q "did you mean 'policy'" "$T/cfg.err" || fail "config typo hint: $(cat "$T/cfg.err")"
echo "e2e moderate: all checks passed"
